package api_test

import (
	"fmt"
	"maps"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services/reports"
)

// recordAs records rep as the handler who, multipart with files.
func recordAs(t *testing.T, e *apitest.Env, who string, rep map[string]any, files ...[2]string) *apitest.Response {
	t.Helper()
	body, ctype := multipartReport(t, rep, files...)
	return e.DoWith("POST", "/api/v1/reports/intake", e.Tokens[who], body, map[string]string{"Content-Type": ctype})
}

var refRe = regexp.MustCompile(`^\d{3}-\d{4}$`)

// TestReportIntakeReplaysByClientID: a handler's office connection drops
// after the server stored a phone report, and 送出 is pressed again with
// the same client id: the same receipt, one report, one file; other
// content with that id is id_conflict; another handler's id is their own;
// after a day the receipt is no longer kept and the id stays spent.
func TestReportIntakeReplaysByClientID(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		setClock(t, e, time.Date(2026, 3, 2, 9, 0, 0, 0, e.Location))
		id := uuid.NewString()
		call := map[string]any{"client_id": id, "channel": "phone", "what": "來電檢舉：清潔隊員收取商家清運紅包。", "involved": map[string]any{"agency": "嘉義市政府環境保護局"},
			"disclosure": "confidential", "identity": map[string]any{"name": "林小姐", "phone": "0912-000-111"}}
		scan := [2]string{"照片.png", pngFile("SCAN")}
		first := recordAs(t, e, "handler", call, scan)
		if first.Code != 201 || first.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("first: %d %s", first.Code, first.Body)
		}
		receipt := receiptOf(t, first)
		repID, _ := first.JSON()["id"].(string)
		if ref, _ := first.JSON()["ref"].(string); !refRe.MatchString(ref) || repID == "" {
			t.Fatalf("id and ref: %s", first.Body)
		}
		objects := storedUnder(t, e, "reports/")
		// The answer was lost: the same again, files and all.
		again := recordAs(t, e, "handler", call, scan)
		if again.Code != 200 || receiptOf(t, again) != receipt || again.JSON()["id"] != repID || again.JSON()["ref"] != first.JSON()["ref"] {
			t.Fatalf("replay: %d %s", again.Code, again.Body)
		}
		// As JSON, without the file, the client id's content is the same.
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], call); r.Code != 200 || receiptOf(t, r) != receipt {
			t.Fatalf("replay as JSON: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 1 {
			t.Fatalf("%d reports after the replays", n)
		}
		if n := e.Count(&models.ReportFile{}, ""); n != 1 || storedUnder(t, e, "reports/") != objects {
			t.Fatalf("%d file rows, %d objects (was %d)", n, storedUnder(t, e, "reports/"), objects)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "report.receive"); n != 1 {
			t.Fatalf("%d report.receive events", n)
		}
		// Other content, or another channel, with the same id: id_conflict.
		other := maps.Clone(call)
		other["what"] = "來電檢舉：另一件事。"
		letter := maps.Clone(call)
		letter["channel"] = "letter"
		for name, body := range map[string]map[string]any{"other text": other, "other channel": letter} {
			if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
				t.Errorf("%s with a used client id: %d %s", name, r.Code, r.Body)
			}
		}
		// The whitespace the server trims is not a difference.
		spaced := maps.Clone(call)
		spaced["what"] = "  " + call["what"].(string) + "\n"
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], spaced); r.Code != 200 || receiptOf(t, r) != receipt {
			t.Errorf("replay with spaces: %d %s", r.Code, r.Body)
		}
		// Another handler's client id is their own.
		theirs := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler2"], call)
		if theirs.Code != 201 || receiptOf(t, theirs) == receipt || theirs.JSON()["id"] == repID {
			t.Fatalf("another handler, same client id: %d %s", theirs.Code, theirs.Body)
		}
		// Not a UUID: named.
		bad := maps.Clone(call)
		bad["client_id"] = "draft-1"
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], bad); r.Code != 422 || problemFields(t, r)["client_id"] == "" {
			t.Errorf("bad client id: %d %s", r.Code, r.Body)
		}
		// Without a client id every recording is a report of its own.
		plain := maps.Clone(call)
		delete(plain, "client_id")
		for range 2 {
			if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], plain); r.Code != 201 {
				t.Fatalf("without a client id: %d %s", r.Code, r.Body)
			}
		}
		if n := e.Count(&models.Report{}, ""); n != 4 {
			t.Fatalf("%d reports", n)
		}
		// The receipt answered to the replay opens the report for the reporter.
		if r := e.Do("POST", "/api/v1/reports/access", "", map[string]any{"receipt": receipt}); r.Code != 200 {
			t.Fatalf("access with the replayed receipt: %d %s", r.Code, r.Body)
		}
		// A day later the receipt is forgotten; the id stays spent.
		setClock(t, e, e.Clock.Now().Add(reports.IntakeReplayTTL))
		if err := e.Reports.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(&models.ReportIntake{}, "sealed IS NOT NULL AND handler_id = ?", e.Users["handler"].ID); n != 0 {
			t.Fatalf("%d receipts kept after a day", n)
		}
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], call); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Errorf("replay after a day: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 4 {
			t.Fatalf("%d reports at the end", n)
		}
	})
}

// TestReportIntakeConcurrentReplays: the same recording sent twice at once
// with one client id (a double tap racing a retry, on one server or on
// several over one database), three times over: each pair stores one
// report — one 201, one 200 with the same receipt — and no stray file
// object. (A pair, not more: the receipt's scrypt has one slot on this
// machine, and a third request may wait past it and get a 503.)
func TestReportIntakeConcurrentReplays(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		for round := range 3 {
			call := map[string]any{"client_id": uuid.NewString(), "channel": "in_person", "what": fmt.Sprintf("臨櫃檢舉 %d：里長挪用社區發展經費。", round),
				"disclosure": "anonymous"}
			var codes [2]int
			var receipts [2]string
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := recordAs(t, e, "handler", call, [2]string{"陳述書.png", pngFile("ONCE")})
					codes[i] = r.Code
					receipts[i], _ = r.JSON()["receipt"].(string)
				}()
			}
			wg.Wait()
			if (codes != [2]int{201, 200} && codes != [2]int{200, 201}) || receipts[0] != receipts[1] || receipts[0] == "" {
				t.Fatalf("round %d: codes %v, receipts %v: want one 201 and one 200 with one receipt", round, codes, receipts)
			}
			if c := e.Count(&models.Report{}, ""); c != int64(round+1) {
				t.Fatalf("round %d: %d reports", round, c)
			}
			if c := e.Count(&models.ReportFile{}, ""); c != int64(round+1) || storedUnder(t, e, "reports/") != round+1 {
				t.Fatalf("round %d: %d file rows, %d objects", round, c, storedUnder(t, e, "reports/"))
			}
		}
	})
}
