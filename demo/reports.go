package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
)

// The demo's whistle-blowing reports (檢舉案件): the manager 黃處長 and the
// officer 陳專員 are the designated handlers; about a dozen reports over the
// last two years came in by every channel, in every state, with the
// conversation between the office and the reporters, internal notes, a
// referral to 法務部廉政署, one report overdue, and one about 陳專員
// himself, which he cannot see.

// demoReport is one demo report and what happened to it, each step a number
// of days after its reception.
type demoReport struct {
	daysAgo int // received this many days ago, at 09:00 office time plus hour
	hour    int
	channel string
	in      reports.ReportInput
	steps   []demoStep
	// enclosure names the scanned letter recorded with a paper report.
	enclosure string
	// aboutHandler: the report is about 陳專員 (officer2), who is named as
	// involved at assignment and never sees it.
	aboutHandler bool
	// receipt: print this report's receipt at start, for the follow-up page.
	receipt bool
}

// demoStep is one thing done on a report, day days after its reception.
type demoStep struct {
	day      int
	by       string // "manager", "officer2" or "reporter"
	text     string
	internal bool
	file     string // a file the reporter adds (name), with "reporter"
	assign   string // username of the assignee
	to       string // a transition
	refTo    string
	agency   string
	reason   string
}

func anon(what, agency, person, role, when, where, how string) reports.ReportInput {
	return reports.ReportInput{What: what, Involved: reports.Involved{Agency: agency, Person: person, Role: role}, When: when, Where: where, HowKnown: how, Disclosure: "anonymous"}
}

func named(disclosure, name, phone, email string, in reports.ReportInput) reports.ReportInput {
	in.Disclosure = disclosure
	in.Identity = reports.Identity{Name: name, Phone: phone, Email: email}
	return in
}

var demoReports = []demoReport{
	{daysAgo: 690, hour: 1, channel: "web", in: anon("工務處養護工程科承辦人於道路刨鋪工程驗收前，連續兩週晚間接受得標廠商招待至KTV飲宴，隔週驗收時對於瀝青厚度不足部分未要求改善即簽准驗收。",
		"嘉義市政府工務處", "承辦人（姓名不詳，約四十歲男性）", "養護工程科技士", "上個月中旬至下旬，多次晚間", "嘉義市西區某KTV", "本人為該廠商前員工，曾同行並目睹"),
		steps: []demoStep{
			{day: 1, by: "manager", assign: "officer2"},
			{day: 2, by: "officer2", text: "您好，本處已收到您的檢舉，將依規定處理。請問您是否記得招待的確切日期，或有無當時的消費單據、照片？"},
			{day: 4, by: "reporter", text: "16日與23日兩次，我手上有其中一次的刷卡簽單翻拍，要怎麼提供？"},
			{day: 5, by: "officer2", text: "謝謝您。您可以在本頁面「補充檔案」上傳翻拍照片，系統會加密保存，僅承辦人可以閱覽。"},
			{day: 5, by: "reporter", file: "刷卡簽單翻拍.png"},
			{day: 6, by: "officer2", to: "assessing"},
			{day: 8, by: "officer2", text: "調閱驗收紀錄：月底驗收，紀錄未載厚度抽驗結果，與檢舉內容相符。建議移送廉政署。", internal: true},
			{day: 20, by: "officer2", to: "referred", refTo: "aac", reason: "涉嫌收受不正利益並違背職務驗收，具體事證足，移送法務部廉政署偵辦"},
			{day: 21, by: "officer2", text: "您好，本案經評估已移送相關機關依法處理，後續將由該機關偵辦。感謝您勇於檢舉。"},
		}},
	{daysAgo: 610, hour: 2, channel: "letter", enclosure: "檢舉信掃描檔.pdf", in: named("open", "黃○○（○○環保工程行負責人）", "05-2345678", "",
		anon("來函檢舉：環保局稽查員於事業廢水稽查時，暗示業者若「表示心意」即可從輕認定，業者拒絕後旋遭告發裁罰。", "嘉義市政府環境保護局", "稽查員（信中載明姓氏）", "稽查員", "上個月", "嘉義市東區本人經營之工廠", "本人親身經歷")),
		steps: []demoStep{
			{day: 2, by: "manager", assign: "manager"},
			{day: 3, by: "manager", text: "黃先生您好：來函已收悉，本處將依法處理，並對您的身分保密。如有補充資料，可持收據至檢舉追蹤頁面提供。"},
			{day: 4, by: "manager", to: "assessing"},
			{day: 25, by: "manager", to: "referred", refTo: "prosecutor", reason: "涉及職務上行為要求賄賂，移送臺灣嘉義地方檢察署"},
		}},
	{daysAgo: 540, hour: 3, channel: "phone", in: named("confidential", "張小姐", "0933-456-789", "",
		anon("來電檢舉：社會處辦理身心障礙者補助，某協會核銷之活動照片與簽到表疑似重複使用，實際未辦理活動。", "嘉義市政府社會處", "", "補助業務承辦人", "上半年度補助案", "", "曾為該協會志工")),
		steps: []demoStep{
			{day: 1, by: "officer2", assign: "officer2"},
			{day: 1, by: "officer2", text: "電話受理紀錄：檢舉人表示不願出面，僅同意以簡訊聯繫。", internal: true},
			{day: 3, by: "officer2", text: "張小姐您好，本處已受理您的檢舉並將進行查證，有進一步需要會再與您聯繫。"},
			{day: 4, by: "officer2", to: "assessing"},
			{day: 28, by: "officer2", to: "closed", reason: "調閱核銷資料及現場照片比對，活動確有辦理，簽到表與照片相符，查無具體不法事證，結案並函復檢舉人"},
		}},
	{daysAgo: 450, hour: 1, channel: "mailbox", in: anon("檢舉信箱投書：國中午餐團膳廠商的食材與契約規格不符（以冷凍肉替代溫體肉），學校驗收人員卻每次都簽收，疑與廠商有私交。",
		"嘉義市立嘉義國民中學", "", "午餐秘書", "本學期", "學校廚房", "家長會成員，多次參與午餐試吃"),
		steps: []demoStep{
			{day: 3, by: "manager", assign: "officer2"},
			{day: 5, by: "officer2", to: "assessing"},
			{day: 6, by: "officer2", text: "投書無聯絡方式，無法回覆；已請教育處協助抽查午餐食材進貨單。", internal: true},
			{day: 18, by: "officer2", to: "referred", refTo: "agency", agency: "嘉義市政府教育處", reason: "屬行政違失，移請教育處依契約查處並督導學校改善"},
		}},
	{daysAgo: 330, hour: 4, channel: "web", in: named("confidential", "李小華", "", "hua.lee@example.com",
		anon("交通處委外經營的公有停車場，管理員長期收現金不開發票，營收短報，承辦人每月會勘卻從未發現。", "嘉義市政府交通處", "", "停車管理科承辦人", "這一年來持續", "嘉義市東區某公有停車場", "住附近，每天停車")),
		steps: []demoStep{
			{day: 1, by: "officer2", assign: "officer2"},
			{day: 2, by: "officer2", text: "您好，已收到您的檢舉。請問您停車時是否曾索取發票而被拒？大約是哪些時段？"},
			{day: 3, by: "reporter", text: "晚上七點以後都是同一位管理員，說機器壞了只收現金。"},
			{day: 4, by: "officer2", to: "assessing"},
			{day: 26, by: "officer2", to: "closed", reason: "經會同交通處夜間查核，已要求業者全面開立發票並追繳短報權利金，承辦人未涉不法，結案"},
			{day: 27, by: "officer2", text: "您好，經查核已要求業者改善並追繳，本案結案。謝謝您的協助。"},
		}},
	{daysAgo: 200, hour: 2, channel: "web", in: anon("某里辦公處申請民政處里鄰建設經費，發包給里長親戚的工程行，施工品質很差。",
		"嘉義市政府民政處", "○○里里長", "里長", "今年", "○○里活動中心", "里民"),
		steps: []demoStep{
			{day: 2, by: "manager", assign: "manager"},
			{day: 3, by: "manager", text: "您好，本處已收到您的檢舉，將轉請權責單位查明，謝謝您。"},
			{day: 3, by: "manager", to: "assessing"},
			{day: 15, by: "manager", to: "closed", reason: "里長非屬本府公務員，依權責函轉民政處查明採購程序，本處結案"},
		}},
	{daysAgo: 18, hour: 3, channel: "in_person", in: named("open", "陳○○（教師）", "0912-222-333", "",
		anon("親自到處陳述：蘭潭國中採購電腦設備，規格綁定特定廠牌，承辦組長事先將需求告知特定廠商。", "嘉義市立蘭潭國民中學", "○組長", "設備組長", "本學期", "學校", "參與採購需求討論的同事")),
		steps: []demoStep{
			{day: 0, by: "officer2", assign: "officer2"},
			{day: 1, by: "officer2", text: "陳老師您好，謝謝您親自到處說明，本處已受理，將調閱採購文件。"},
			{day: 2, by: "officer2", to: "assessing"},
			{day: 9, by: "officer2", text: "比對招標規格，其中三項規格僅單一廠牌符合，需請學校說明；尚待學校回復。", internal: true},
		}},
	{daysAgo: 25, hour: 1, channel: "web", in: anon("清潔隊某分隊長要求隊員輪流繳錢「孝敬」，不繳的人就被排到最辛苦的路線。",
		"嘉義市政府環境保護局", "○分隊長", "清潔隊分隊長", "今年以來每月", "清潔隊東區分隊", "本人為隊員"),
		steps: []demoStep{
			{day: 1, by: "manager", assign: "officer2"},
			{day: 3, by: "officer2", text: "您好，本處已收到您的檢舉，將審慎處理並保護您的身分。請問每月繳交的金額大約多少？"},
			{day: 5, by: "reporter", text: "每人每月五百元，交給副分隊長收。"},
			{day: 6, by: "officer2", to: "assessing"},
		}},
	// Overdue: received some three weeks ago, no answer yet.
	{daysAgo: 21, hour: 2, channel: "web", in: named("confidential", "王先生", "0955-123-456", "",
		anon("建管科審查建照時，某建築師事務所的案子都特別快，聽說有私下往來。", "嘉義市政府工務處", "", "建管科審查人員", "近半年", "", "同業間流傳")),
		steps: []demoStep{{day: 2, by: "manager", assign: "officer2"}}},
	{daysAgo: 6, hour: 4, channel: "letter", in: anon("匿名信：教育處某科員協助補習班規避立案檢查，事先通知稽查日期。",
		"嘉義市政府教育處", "", "社會教育科科員", "最近半年", "", "補習班業者間的消息")},
	// About the handler 陳專員 (officer2): assigned to 黃處長, 陳專員 excluded.
	{daysAgo: 3, hour: 1, channel: "web", aboutHandler: true, in: anon("政風處一位專員疑似把民眾陳情的內容透露給被陳情的廠商，廠商隔天就知道是誰陳情。",
		"嘉義市政府政風處", "陳專員", "專員", "本月初", "", "本人為陳情人"),
		steps: []demoStep{
			{day: 0, by: "manager", assign: "manager"},
			{day: 1, by: "manager", text: "您好，本案由本處主管親自處理，請放心。請問您陳情的案件大約是哪一天提出的？"},
			{day: 1, by: "manager", text: "本案涉及本處同仁，已於指派時排除該同仁，僅由處長承辦。", internal: true},
		}},
	// The one whose receipt the demo prints: a question waits for the reporter.
	{daysAgo: 2, hour: 3, channel: "web", receipt: true, in: anon("市場管理所收取攤位清潔費不開收據，每攤每月三百元，金額對不起來。",
		"嘉義市政府經濟發展處", "", "市場管理所管理員", "今年以來", "東市場", "本人在市場擺攤"),
		steps: []demoStep{
			{day: 1, by: "officer2", assign: "officer2"},
			{day: 1, by: "officer2", text: "您好，本處已收到您的檢舉。請問收費時是否有其他攤商在場，或有收費的紀錄本？您可以在這裡直接回覆。"},
		}},
}

// SeedReports designates the demo report handlers and stores the demo
// reports through the reports service, sealed like real ones, each at its
// day (opts.Clock is replaced). It returns the receipt of one demo report
// for the follow-up page.
func SeedReports(ctx context.Context, s *services.Services, o *Office, opts reports.Options) (string, error) {
	admin := actorOf(o.Users["admin"])
	for _, name := range []string{"manager", "officer2"} {
		yes := true
		if _, err := s.Users.Update(ctx, admin, o.Users[name].ID, services.UserPatch{ReportHandler: &yes}); err != nil {
			return "", fmt.Errorf("demo report handler %s: %w", name, err)
		}
		u := o.Users[name]
		u.ReportHandler = true
		o.Users[name] = u
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	var at time.Time
	opts.Clock = func() time.Time { return at.UTC().Truncate(time.Microsecond) }
	opts.PowBits = 0
	rs, err := reports.New(s.DB, opts)
	if err != nil {
		return "", err
	}
	today := time.Now().In(loc)
	var printed string
	for i, d := range demoReports {
		day := time.Date(today.Year(), today.Month(), today.Day(), 9+d.hour, 7*i%60, 0, 0, loc).AddDate(0, 0, -d.daysAgo)
		at = day
		var rec reports.Receipt
		if d.channel == "web" {
			ch := rs.NewChallenge(ctx)
			rec, err = rs.Submit(ctx, reports.Submission{Report: d.in, Pow: &reports.Proof{Challenge: ch.Challenge, Nonce: reports.Solve(ch.Challenge, ch.Difficulty)}})
		} else {
			rec, err = rs.Record(ctx, actorOf(o.Users["officer2"]), reports.Recording{Channel: d.channel, Report: d.in, Files: enclosure(d.enclosure)})
		}
		if err != nil {
			return "", fmt.Errorf("demo report %d: %w", i, err)
		}
		if d.receipt {
			printed = rec.Receipt
		}
		version, answered := 1, false
		for j, st := range d.steps {
			at = day.AddDate(0, 0, st.day).Add(time.Duration(j+1) * 37 * time.Minute)
			by := actorOf(o.Users[st.by])
			switch {
			case st.by == "reporter" && st.file != "":
				_, err = rs.ReporterAddsFile(ctx, rec.ReportID, st.file, bytes.NewReader(demoPhoto(i, j)))
			case st.by == "reporter":
				_, err = rs.ReporterSays(ctx, rec.ReportID, st.text)
			case st.assign != "":
				a := reports.Assignment{AssigneeID: o.Users[st.assign].ID, Version: version}
				if d.aboutHandler {
					a.InvolvedIDs = []string{o.Users["officer2"].ID}
				}
				var det reports.Detail
				det, err = rs.Assign(ctx, by, rec.ReportID, a)
				version = det.Report.Version
			case st.to != "":
				tr := reports.Transition{To: st.to, ReferredTo: st.refTo, ReferredAgency: st.agency, Reason: st.reason, Version: version}
				if st.to == models.ReportReferred {
					tr.ReferredOn = at.In(loc).Format("2006-01-02")
				}
				var det reports.Detail
				det, err = rs.Transition(ctx, by, rec.ReportID, tr)
				version = det.Report.Version
			default:
				_, err = rs.Reply(ctx, by, rec.ReportID, st.text, st.internal)
				if !st.internal && !answered {
					version++ // the first answer moves the version on
					answered = true
				}
			}
			if err != nil {
				return "", fmt.Errorf("demo report %d step %d: %w", i, j, err)
			}
		}
	}
	return printed, nil
}

// actorOf is the demo account u acting.
func actorOf(u models.User) services.Actor {
	return services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status, UnitID: deref(u.UnitID)}
}

// enclosure gives the scanned letter a handler records with a report
// received on paper (nil when there is none).
func enclosure(name string) reports.FileSource {
	if name == "" {
		return nil
	}
	sent := false
	return func() (string, io.Reader, error) {
		if sent {
			return "", nil, io.EOF
		}
		sent = true
		return name, bytes.NewReader(demoPDF("檢舉信掃描")), nil
	}
}
