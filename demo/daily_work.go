package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"ethicsops/models"
	"ethicsops/services"
)

// demoWarning is one early warning (預警作為) of the demo and how far it got.
type demoWarning struct {
	owner, unit, risk, subject, observed, measures string
	submittedAgo                                   int // days; 0: never submitted
	followUps                                      []demoFollowUp
	outcome                                        string // closes it
	returned                                       string // a manager's comment sending it back to draft
	linkProcurement                                bool   // linked to a supervision with deficiencies
}

type demoFollowUp struct {
	ago    int
	action string
}

var demoWarnings = []demoWarning{
	{owner: "officer", unit: "CYC-PW", risk: "procurement", subject: "某工程採購案連續三次驗收缺失未改善",
		observed:     "工務處「人行道改善工程」第1至3次驗收，均發現人行道鋪面平整度及透水磚規格不符契約，廠商每次僅局部修補，迄未全面改善；監造單位未依約提出改善計畫。",
		measures:     "一、建議工務處依契約第17條逾期改善計罰，並限期廠商提出全面改善計畫。\n二、必要時暫停估驗計價，並檢討監造單位責任。\n三、本處將派員參與下次複驗。",
		submittedAgo: 120, linkProcurement: true,
		followUps: []demoFollowUp{
			{110, "工務處已函請廠商於30日內全面改善，並依約計罰新臺幣3萬6千元。"},
			{95, "廠商完成全面改善，第4次驗收由本處派員會同監驗，平整度符合規範。"},
		},
		outcome: "缺失已全面改善並經複驗合格；工務處另修正監造查核表，將鋪面平整度列為每週必查項目。本案結案。"},
	{owner: "officer", unit: "CYC-EDU", risk: "official_secrets", subject: "考試題庫保管外洩風險",
		observed:     "教育處辦理本年度國中教師甄選，筆試題庫由承辦人個人電腦存放且未加密，命題委員以一般電子郵件傳送試題，入闈前亦無保密切結紀錄。",
		measures:     "一、題庫改存加密隨身碟並置保險櫃雙人保管。\n二、命題委員改以實體交付或機關加密平台傳送。\n三、入闈人員簽署保密切結並管制行動電話。",
		submittedAgo: 30,
		followUps: []demoFollowUp{
			{20, "教育處已購置加密隨身碟及保險櫃，修正甄選作業保密規定，並於命題會議宣導。"},
		}},
	{owner: "officer2", unit: "CYC-EDU", risk: "construction", subject: "校舍耐震補強工程進度嚴重落後",
		observed:     "嘉義市立嘉義國民中學校舍耐震補強工程預定進度45%，實際僅18%，廠商現場出工人數長期不足，恐影響開學使用及學生安全。",
		measures:     "建議教育處督促學校召開進度協調會，要求廠商提出趕工計畫，並評估依約催告或終止契約之可行性。",
		submittedAgo: 45,
		followUps: []demoFollowUp{
			{38, "學校召開進度協調會，廠商承諾增派工班並提出趕工計畫。"},
			{12, "實際進度提升至31%，仍落後預定進度，學校已依約發函催告。"},
		}},
	{owner: "officer2", unit: "CYC-ENV", risk: "procurement", subject: "垃圾清運勞務委託案疑有圍標情形",
		observed:     "環境保護局垃圾清運勞務委託案開標，3家投標廠商之標單筆跡相似、押標金支票連號，且其中2家登記地址相同。",
		measures:     "建議環保局依政府採購法第50條審慎審查投標廠商資格，必要時暫緩決標並函送檢調單位參處。",
		submittedAgo: 4},
	{owner: "officer", unit: "CYC-TRF", risk: "procurement", subject: "號誌控制系統建置案規格疑似綁標",
		observed:     "交通處號誌控制系統建置案招標規格指定特定廠牌控制器之通訊協定，市場上僅1家廠商符合。",
		measures:     "建議交通處檢討規格，改以功能需求敘明並加註「或同等品」。",
		submittedAgo: 10,
		returned:     "請補充市場訪價資料及其他廠牌是否確實無法支援之佐證，再行陳報。"},
	{owner: "officer", unit: "CYC-CIV", risk: "agency_security", subject: "區公所夜間門禁管制鬆散",
		observed:     "西區區公所夜間側門未上鎖，監視器有2支鏡頭故障逾1個月，值班人員未落實巡查登記。",
		measures:     "建議民政處督導區公所立即修復監視系統、側門加裝門禁刷卡，並落實值班巡查紀錄。",
		submittedAgo: 200,
		followUps: []demoFollowUp{
			{190, "區公所已修復故障鏡頭，側門加裝電子門禁。"},
		},
		outcome: "經本處複查，門禁及監視系統運作正常，值班巡查紀錄完整。本案結案。"},
	{owner: "officer2", unit: "SCH-CYJH", risk: "personnel", subject: "代理教師甄選口試委員迴避疑義",
		observed:     "嘉義國中代理教師甄選口試委員之一，與應考人具二親等姻親關係，未依規定自行迴避。",
		measures:     "建議學校重新組成口試委員會辦理該應考人口試，並對相關人員加強利益衝突迴避宣導。",
		submittedAgo: 2},
	{owner: "officer", unit: "CYC-SOC", risk: "other", subject: "長照據點補助款核銷憑證疑有重複",
		observed: "社會處長照據點補助款核銷資料中，同一據點連續3個月檢附相同編號之餐費收據影本。"},
}

// seedEarlyWarnings makes early warnings in every state through the
// service, as officers and the manager would have: submitted, followed up,
// returned, closed, and drafts still being written.
func seedEarlyWarnings(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	loc := s.Location
	day := func(ago int) string { return now.In(loc).AddDate(0, 0, -ago).Format(time.DateOnly) }
	actor := func(name string) services.Actor {
		u := o.Users[name]
		return services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status, UnitID: deref(u.UnitID)}
	}
	mgr := actor("manager")
	// The supervision that raised the first warning: one with uncorrected deficiencies.
	var raisedBy models.Activity
	if err := s.DB.WithContext(ctx).Where("kind = ? AND unit_id = ? AND details LIKE ?", models.KindProcurementSupervision,
		o.Units["CYC-PW"].ID, `%"corrected":false%`).Where("details NOT LIKE ?", `%"deficiencies":[]%`).
		Order("scheduled_at DESC").Limit(1).Find(&raisedBy).Error; err != nil {
		return err
	}
	for _, d := range demoWarnings {
		who := actor(d.owner)
		in := services.EarlyWarningInput{UnitID: o.Units[d.unit].ID, RiskArea: d.risk, Subject: d.subject, Observed: d.observed, SuggestedMeasures: d.measures}
		if d.linkProcurement && raisedBy.ID != "" {
			in.ActivityID = &raisedBy.ID
		}
		w, _, err := s.EarlyWarnings.Create(ctx, who, in)
		if err != nil {
			return fmt.Errorf("demo early warning %q: %w", d.subject, err)
		}
		if d.submittedAgo > 0 {
			on := day(d.submittedAgo)
			if w, err = s.EarlyWarnings.Submit(ctx, who, w.ID, w.Version, &on); err != nil {
				return fmt.Errorf("demo early warning %q: submit: %w", d.subject, err)
			}
		}
		if d.returned != "" {
			if w, err = s.EarlyWarnings.Return(ctx, mgr, w.ID, w.Version, d.returned); err != nil {
				return fmt.Errorf("demo early warning %q: return: %w", d.subject, err)
			}
		}
		for _, f := range d.followUps {
			if w, err = s.EarlyWarnings.AddFollowUp(ctx, who, w.ID, services.FollowUpInput{Version: w.Version, Date: day(f.ago), ActionTaken: f.action}); err != nil {
				return fmt.Errorf("demo early warning %q: follow-up: %w", d.subject, err)
			}
		}
		if d.outcome != "" {
			if _, err = s.EarlyWarnings.Close(ctx, who, w.ID, w.Version, d.outcome); err != nil {
				return fmt.Errorf("demo early warning %q: close: %w", d.subject, err)
			}
		}
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// demoVisit is one opinion visit (民意訪查) of the demo.
type demoVisit struct {
	owner, unit, title, service string
	place                       place
	ago                         int // days since the visit; negative: planned ahead
	respondents                 int
	respondentType              string
	integrity, efficiency       int
	askedForFavours, knows      bool
	findings, suggestions       string
}

var demoVisits = []demoVisit{
	{"officer", "CYC-PW", "工務處建管科建築執照申請民意訪查", "建築執照申請及使用執照核發",
		place{"嘉義市政府工務處建管科", "嘉義市東區中山路199號", 23.4815, 120.4536}, 75, 12, "citizen", 4, 3, false, true,
		"受訪民眾多表示承辦人員態度良好，惟補件通知未說明法令依據，往返次數偏多；無人反映遭索取財物。",
		"建議補件通知單載明法令依據及承辦人聯絡方式，並於網站公布常見補件項目。"},
	{"officer2", "CYC-ENV", "環保局垃圾清運服務廠商訪查", "一般廢棄物清運勞務契約履約管理",
		place{"嘉義市垃圾焚化廠", "嘉義市西區湖內里", 23.4995, 120.4151}, 40, 5, "contractor", 3, 2, true, false,
		"1家協力廠商反映驗收時曾被暗示「表示心意」可加快付款；多數廠商不知檢舉管道。",
		"已另案蒐報預警資料；建議環保局於契約文件及驗收場所張貼政風檢舉專線。"},
	{"officer", "CYC-SOC", "社會處急難救助申請民意訪查", "急難救助金申請審核",
		place{"嘉義市政府社會處", "嘉義市東區中山路199號", 23.4815, 120.4536}, 21, 20, "citizen", 5, 4, false, true,
		"受訪民眾對承辦人員協助填表及審核速度普遍滿意，平均7個工作天核發。",
		"建議推廣線上申請，並於偏遠里辦公處設置協助窗口。"},
	{"officer2", "CYC-CIV", "西區區公所戶政服務民意訪查", "戶籍登記及證明書核發",
		place{"嘉義市政府西區區公所", "嘉義市西區中興路", 23.4730, 120.4310}, 6, 30, "citizen", 4, 4, false, false,
		"服務滿意度高；約半數受訪者不知如何檢舉公務員不當要求。",
		"建議於櫃台及叫號螢幕加強宣導政風檢舉管道。"},
}

// plannedVisits were made on phones (client ids), not yet done.
var plannedVisits = []demoVisit{
	{owner: "officer", unit: "CYC-TRF", title: "交通處停車場委外經營廠商訪查", service: "公有停車場委託經營管理",
		place: place{"嘉義火車站前廣場", "嘉義市西區中山路528號", 23.4791, 120.4406}, ago: -3},
	{owner: "officer", unit: "SCH-MSES", title: "民生國小營養午餐供應廠商訪查", service: "學校午餐食材採購及驗收",
		place: place{"嘉義市東區民生國民小學", "嘉義市東區民生北路1號", 23.4765, 120.4585}, ago: -9},
}

// seedOpinionVisits records opinion visits: completed ones with their
// questionnaire and check-ins, and planned ones created offline with
// client ids, as the phone's queue sends them.
func seedOpinionVisits(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	for _, v := range append(append([]demoVisit{}, demoVisits...), plannedVisits...) {
		u := o.Users[v.owner]
		who := services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
		lat, lng := v.place.lat, v.place.lng
		at := time.Date(now.In(s.Location).Year(), now.In(s.Location).Month(), now.In(s.Location).Day(), 9, 30, 0, 0, s.Location).AddDate(0, 0, -v.ago)
		part := &services.OpinionVisit{Service: v.service}
		in := services.ActivityInput{
			ID: uuid.Must(uuid.NewV7()).String(), Kind: models.KindOpinionVisit, Title: v.title, UnitID: o.Units[v.unit].ID,
			Site:        &services.Site{Name: v.place.name, Address: v.place.address, Lat: &lat, Lng: &lng, RadiusM: 120},
			ScheduledAt: at, Details: services.Details{OpinionVisit: part},
		}
		done := v.ago > 0
		if done {
			favours, knows := v.askedForFavours, v.knows
			part.Respondents = &services.Respondents{Count: v.respondents, Type: v.respondentType}
			part.Questionnaire = &services.Questionnaire{IntegrityScore: v.integrity, EfficiencyScore: v.efficiency, AskedForFavours: &favours, KnowsHowToReport: &knows}
			part.Findings, part.Suggestions = v.findings, v.suggestions
		}
		a, _, err := s.Activities.Create(ctx, who, in)
		if err != nil {
			return fmt.Errorf("demo opinion visit %q: %w", v.title, err)
		}
		if !done {
			continue
		}
		// Arrive and leave at the site, then complete the visit with its answers.
		for i, typ := range []string{"arrive", "depart"} {
			c := services.CheckinInput{Type: typ, Lat: lat + 0.0002, Lng: lng - 0.0001, AccuracyM: 9, CapturedAt: at.Add(time.Duration(i*100+3) * time.Minute)}
			if _, _, err := s.Activities.CheckIn(ctx, who, a.ID, c); err != nil {
				return fmt.Errorf("demo opinion visit %q: %s: %w", v.title, typ, err)
			}
		}
		cur, err := s.Activities.Get(ctx, who, a.ID)
		if err != nil {
			return err
		}
		completed, status := at.Add(110*time.Minute), models.ActivityCompleted
		if _, err := s.Activities.Update(ctx, who, a.ID, services.ActivityPatch{Version: cur.Version, Status: &status, CompletedAt: &completed}); err != nil {
			return fmt.Errorf("demo opinion visit %q: complete: %w", v.title, err)
		}
	}
	return nil
}
