package services

import "ethicsops/models"

// Label is one enumeration value with its names for forms.
type Label struct {
	Value string
	ZhTW  string
	En    string
}

// Meta is every enumeration a client needs to build its forms.
type Meta map[string][]Label

// labels holds the zh-TW and English names of every enumeration value.
var labels = map[string][2]string{
	// roles and statuses
	models.RoleAdmin: {"系統管理員", "Administrator"}, models.RoleManager: {"主管", "Manager"},
	models.RoleOfficer: {"政風人員", "Ethics officer"}, models.RoleVolunteer: {"廉政志工", "Integrity volunteer"},
	models.StatusActive: {"啟用", "Active"}, models.StatusPending: {"待審核", "Pending approval"}, models.StatusDisabled: {"停用", "Disabled"},
	models.StatusRejected: {"未核准", "Rejected"},
	models.UnitAgency:     {"機關", "Agency"}, models.UnitSchool: {"學校", "School"},
	// activity kinds
	models.KindProcurementSupervision: {"採購監辦／驗收監驗", "Procurement supervision"},
	models.KindSecurityMaintenance:    {"專案維護", "Security maintenance"},
	models.KindPetition:               {"陳情請願", "Petition"},
	models.KindSafetyInspection:       {"安全維護檢查", "Safety inspection"},
	models.KindInfosecAudit:           {"公務機密／資訊安全稽核", "Information security audit"},
	models.KindOutreachEvent:          {"反貪宣導活動", "Anti-corruption outreach event"},
	models.KindEthicsPromotion:        {"廉政倫理規範宣導", "Ethics code promotion"},
	models.KindOpinionVisit:           {"民意訪查", "Opinion visit"},
	// opinion visits' respondents
	"citizen": {"民眾", "Citizens"}, "contractor": {"廠商", "Contractors"}, "other": {"其他", "Other"},
	// early warnings (預警作為): risk areas and statuses
	"procurement": {"採購", "Procurement"}, "construction": {"工程", "Construction"}, "personnel": {"人事", "Personnel"},
	"official_secrets": {"公務機密", "Official secrets"}, "agency_security": {"機關安全", "Agency security"},
	models.WarningDraft: {"草稿", "Draft"}, models.WarningSubmitted: {"已陳報首長", "Submitted to the head"},
	models.WarningFollowingUp: {"追蹤中", "Following up"}, models.WarningClosed: {"已結案", "Closed"},
	// activity statuses
	models.ActivityPlanned: {"已排定", "Planned"}, models.ActivityInProgress: {"進行中", "In progress"},
	models.ActivityCompleted: {"已完成", "Completed"}, models.ActivityCancelled: {"已取消", "Cancelled"},
	// procurement
	"works": {"工程", "Works"}, "goods": {"財物", "Goods"}, "services": {"勞務", "Services"},
	"bid_opening": {"開標", "Bid opening"}, "price_comparison": {"比價", "Price comparison"}, "negotiation": {"議價", "Negotiation"},
	"award": {"決標", "Award"}, "acceptance": {"驗收", "Acceptance"},
	// risk, checklist, events, check-ins
	"low": {"低", "Low"}, "medium": {"中", "Medium"}, "high": {"高", "High"},
	"pass": {"合格", "Pass"}, "fail": {"不合格", "Fail"}, "na": {"不適用", "Not applicable"},
	"large": {"大型", "Large"}, "regular": {"一般", "Regular"},
	"arrive": {"到達", "Arrive"}, "depart": {"離開", "Depart"},
	"inside": {"範圍內", "Inside"}, "outside": {"範圍外", "Outside"}, "unknown": {"未知", "Unknown"},
	// sync operations, attachment types
	"create_activity": {"新增紀錄", "Create activity"}, "update_activity": {"修改紀錄", "Update activity"},
	"create_checkin": {"打卡", "Check in"},
	"image/jpeg":     {"JPEG 圖片", "JPEG image"}, "image/png": {"PNG 圖片", "PNG image"}, "image/webp": {"WebP 圖片", "WebP image"},
	"image/heic": {"HEIC 圖片", "HEIC image"}, "application/pdf": {"PDF 文件", "PDF document"},
	// declarations (the "regular" label above reads 一般 for events; declarations get their own below)
	"on_assumption": {"就(到)職申報", "On assumption of office"}, "on_leaving": {"卸(離)職申報", "On leaving office"},
	models.DeclarationFiledOnTime: {"依限申報", "Filed on time"}, models.DeclarationFiledLate: {"逾期申報", "Filed late"},
	models.DeclarationNotFiled: {"逾期未申報", "Not filed"}, models.DeclarationNotYetDue: {"尚未屆期", "Not yet due"},
	// KPIs
	models.KPIPropertyDeclarationOnTime: {"落實公職人員財產申報", "On-time property declarations"},
	models.KPIProcurementSupervisions:   {"參與採購案件驗收監驗工作", "Procurement supervisions"},
	models.KPISecurityAndPetitions:      {"辦理專案維護並協助處理陳情請願", "Security maintenance and petitions"},
	models.KPISafetyInspections:         {"安全維護及預防措施安全狀況檢查", "Safety inspections"},
	models.KPIInfosecAudits:             {"公務機密維護資訊使用管理安全稽核", "Information security audits"},
	models.KPIAntiCorruptionEvents:      {"辦理大型反貪活動", "Large anti-corruption events"},
	models.KPIEthicsCodePromotions:      {"宣導公務員廉政倫理規範", "Ethics code promotions"},
}

// overrides name a value differently within one enumeration.
var overrides = map[string]map[string][2]string{
	"declaration_types": {"regular": {"定期申報", "Regular (annual)"}},
	"review_statuses": {models.ReviewNone: {"未送核閱", "Not submitted"}, models.ReviewPending: {"待核閱", "Awaiting review"},
		models.ReviewApproved: {"已核閱", "Approved"}, models.ReviewReturned: {"已退回", "Returned"}},

	// The ethics-code register (公務員廉政倫理規範登錄) names its values within
	// its enumerations: "other" or "paid" may mean something else elsewhere.
	"registration_types": {
		models.RegistrationGift: {"受贈財物", "Gift"}, models.RegistrationHospitality: {"飲宴應酬", "Hospitality"},
		models.RegistrationLobbying: {"請託關說", "Lobbying"}, models.RegistrationOther: {"其他", "Other"},
	},
	"counterparty_kinds": {"person": {"個人", "Person"}, "organisation": {"機關團體或廠商", "Organisation"}},
	"registration_handlings": {
		models.HandlingReturned: {"退還", "Returned"}, models.HandlingPaid: {"自行付費", "Paid for"},
		models.HandlingHandedToAgency: {"交機關處理", "Handed to the agency"}, models.HandlingDonated: {"轉贈慈善機構", "Donated to charity"},
		models.HandlingReportedOnly: {"簽報長官知悉", "Reported to the superior only"}, models.HandlingOther: {"其他（附說明）", "Other (see note)"},
	},

	// Whistle-blowing reports (檢舉案件): named within their enumerations
	// ("closed", "open", "agency" mean other things elsewhere).
	"report_states": {
		models.ReportReceived: {"已收件", "Received"}, models.ReportAssessing: {"評估中", "Being assessed"},
		models.ReportReferred: {"已移送", "Referred"}, models.ReportClosed: {"已結案", "Closed"},
	},
	"report_channels": {
		"web": {"網路", "Web"}, "letter": {"書面", "Letter"}, "phone": {"電話", "Phone"},
		"mailbox": {"檢舉信箱", "Report mailbox"}, "in_person": {"親自", "In person"},
	},
	"report_disclosures": {
		"anonymous": {"匿名", "Anonymous"}, "confidential": {"保密（身分僅承辦人知悉）", "Confidential (identity known only to the handlers)"},
		"open": {"具名", "Named"},
	},
	"report_referral_targets": {
		"aac": {"法務部廉政署", "Agency Against Corruption (Ministry of Justice)"}, "prosecutor": {"地方檢察署", "District prosecutors office"},
		"agency": {"權責機關", "The agency concerned"},
	},
}

// GetMeta returns every enumeration with its labels, in form order.
func GetMeta() Meta {
	enums := map[string][]string{
		"roles":                    models.Roles,
		"user_statuses":            models.UserStatuses,
		"unit_kinds":               models.UnitKinds,
		"activity_kinds":           models.ActivityKinds,
		"activity_statuses":        models.ActivityStatuses,
		"review_statuses":          models.ReviewStatuses,
		"procurement_categories":   models.ProcurementCategories,
		"procurement_stages":       models.ProcurementStages,
		"risk_levels":              models.RiskLevels,
		"checklist_results":        models.ChecklistResults,
		"event_scales":             models.EventScales,
		"checkin_types":            models.CheckinTypes,
		"geofences":                models.Geofences,
		"declaration_types":        models.DeclarationTypes,
		"declaration_statuses":     models.DeclarationStatuses,
		"kpis":                     models.KPICodes,
		"sync_operations":          models.SyncOperations,
		"attachment_types":         models.AttachmentTypes,
		"respondent_types":         models.RespondentTypes,
		"early_warning_risk_areas": models.EarlyWarningRiskAreas,
		"early_warning_statuses":   models.EarlyWarningStatuses,
		"registration_types":       models.RegistrationTypes,
		"counterparty_kinds":       models.CounterpartyKinds,
		"registration_handlings":   models.RegistrationHandlings,
		"report_states":            models.ReportStates,
		"report_channels":          models.ReportChannels,
		"report_disclosures":       models.ReportDisclosures,
		"report_referral_targets":  models.ReportReferralTargets,
	}
	m := Meta{}
	for name, values := range enums {
		ls := make([]Label, len(values))
		for i, v := range values {
			l := labels[v]
			if o, ok := overrides[name][v]; ok {
				l = o
			}
			ls[i] = Label{Value: v, ZhTW: l[0], En: l[1]}
		}
		m[name] = ls
	}
	return m
}

// LabelZh is the zh-TW name of value in the enumeration enum (value itself
// when it has none), for exports written for clerks.
func LabelZh(enum, value string) string {
	if o, ok := overrides[enum][value]; ok {
		return o[0]
	}
	if l, ok := labels[value]; ok {
		return l[0]
	}
	return value
}
