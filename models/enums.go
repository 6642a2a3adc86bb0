package models

// Activity kinds (SPEC.md "The work it records").
const (
	KindProcurementSupervision = "procurement_supervision" // 採購監辦／驗收監驗
	KindSecurityMaintenance    = "security_maintenance"    // 專案維護
	KindPetition               = "petition"                // 陳情請願
	KindSafetyInspection       = "safety_inspection"       // 安全維護檢查
	KindInfosecAudit           = "infosec_audit"           // 公務機密／資訊安全稽核
	KindOutreachEvent          = "outreach_event"          // 反貪宣導活動
	KindEthicsPromotion        = "ethics_promotion"        // 廉政倫理規範宣導
)

// ActivityKinds lists every kind in the order forms show them.
var ActivityKinds = []string{
	KindProcurementSupervision, KindSecurityMaintenance, KindPetition, KindSafetyInspection,
	KindInfosecAudit, KindOutreachEvent, KindEthicsPromotion,
}

// Activity statuses: planned → in_progress → completed, or cancelled.
const (
	ActivityPlanned    = "planned"
	ActivityInProgress = "in_progress"
	ActivityCompleted  = "completed"
	ActivityCancelled  = "cancelled"
)

// Review states of a record (核閱), see Activity.ReviewStatus.
const (
	ReviewNone     = "none"
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewReturned = "returned"
)

// ReviewStatuses lists every review state; ReviewFilters those a list may
// be filtered by.
var (
	ReviewStatuses = []string{ReviewNone, ReviewPending, ReviewApproved, ReviewReturned}
	ReviewFilters  = []string{ReviewPending, ReviewApproved, ReviewReturned}
)

// ActivityStatuses lists every activity status.
var ActivityStatuses = []string{ActivityPlanned, ActivityInProgress, ActivityCompleted, ActivityCancelled}

// Procurement categories and stages (政府採購法).
var (
	ProcurementCategories = []string{"works", "goods", "services"}
	ProcurementStages     = []string{"bid_opening", "price_comparison", "negotiation", "award", "acceptance"}
	RiskLevels            = []string{"low", "medium", "high"}
	ChecklistResults      = []string{"pass", "fail", "na"}
	EventScales           = []string{"large", "regular"}
	CheckinTypes          = []string{"arrive", "depart"}
	Geofences             = []string{"inside", "outside", "unknown"}
	DeclarationTypes      = []string{"regular", "on_assumption", "on_leaving"}
	UnitKinds             = []string{UnitAgency, UnitSchool}
)

// KPI codes of the plan's table (關鍵績效指標).
const (
	KPIPropertyDeclarationOnTime = "property_declaration_on_time_rate"
	KPIProcurementSupervisions   = "procurement_supervisions"
	KPISecurityAndPetitions      = "security_maintenance_and_petitions"
	KPISafetyInspections         = "safety_inspections"
	KPIInfosecAudits             = "infosec_audits"
	KPIAntiCorruptionEvents      = "anti_corruption_events"
	KPIEthicsCodePromotions      = "ethics_code_promotions"
)

// KPICodes lists the plan's KPIs in its order.
var KPICodes = []string{
	KPIPropertyDeclarationOnTime, KPIProcurementSupervisions, KPISecurityAndPetitions,
	KPISafetyInspections, KPIInfosecAudits, KPIAntiCorruptionEvents, KPIEthicsCodePromotions,
}
