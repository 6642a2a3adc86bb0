package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"ethicsops/api"
	"ethicsops/apitest"
	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services/reports"
	"ethicsops/services/storage"
)

// The public side of whistle-blowing reports: challenge → proof → report →
// receipt → access → follow-up.

const reporterIP = "198.51.100.23"

// send is Env.Do from an address, with a body of a given content type
// (JSON when ctype is empty and body is not []byte).
func send(e *apitest.Env, ip, method, path, token, ctype string, body any) *apitest.Response {
	e.T.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.T.Fatal(err)
		}
		ctype = "application/json"
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	req.RemoteAddr = ip + ":40000"
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	e.Router.ServeHTTP(w, req)
	apitest.CheckContract(e.T, req, w)
	return &apitest.Response{T: e.T, Code: w.Code, Body: w.Body.String(), Header: w.Header()}
}

// proof gets a challenge and solves it.
func proof(e *apitest.Env) map[string]any {
	e.T.Helper()
	r := e.Do("GET", "/api/v1/reports/challenge", "", nil)
	if r.Code != 200 {
		e.T.Fatalf("challenge: %d %s", r.Code, r.Body)
	}
	var ch struct {
		Challenge  string    `json:"challenge"`
		Difficulty int       `json:"difficulty"`
		ExpiresAt  time.Time `json:"expires_at"`
	}
	r.Decode(&ch)
	if ch.Difficulty != apitest.TestPowBits || r.Header.Get("Cache-Control") != "no-store" {
		e.T.Fatalf("challenge %+v, Cache-Control %q", ch, r.Header.Get("Cache-Control"))
	}
	return map[string]any{"challenge": ch.Challenge, "nonce": reports.Solve(ch.Challenge, ch.Difficulty)}
}

// report is a valid anonymous report with a fresh proof.
func report(e *apitest.Env, what string) map[string]any {
	return map[string]any{
		"what": what, "involved": map[string]any{"agency": "某市政府工務局", "person": "王○○", "role": "採購承辦人"},
		"when": "2026年2月上旬", "where": "市區某餐廳", "how_known": "親眼所見", "disclosure": "anonymous", "pow": proof(e),
	}
}

// multipartReport is report as multipart with files (name → bytes).
func multipartReport(t testing.TB, rep map[string]any, files ...[2]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	j, _ := json.Marshal(rep)
	if err := w.WriteField("report", string(j)); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("file", f[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func pngFile(marker string) string {
	return "\x89PNG\r\n\x1a\n" + strings.Repeat(marker, 200)
}

func problemFields(t testing.TB, r *apitest.Response) map[string]string {
	t.Helper()
	var env struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	r.Decode(&env)
	return env.Error.Fields
}

func receiptOf(t testing.TB, r *apitest.Response) string {
	t.Helper()
	rec, _ := r.JSON()["receipt"].(string)
	if len(rec) != 16 || strings.Trim(rec, "0123456789") != "" {
		t.Fatalf("receipt %q", rec)
	}
	return rec
}

func TestReportIntakeGivesAReceiptOnceAndReplays(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, e.Location)) // a Monday
		body := report(e, "承辦人收受廠商招待")
		r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", body)
		if r.Code != 201 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("report: %d %s (%q)", r.Code, r.Body, r.Header.Get("Cache-Control"))
		}
		receipt := receiptOf(t, r)
		var rep models.Report
		if err := e.DB.Take(&rep).Error; err != nil {
			t.Fatal(err)
		}
		if rep.ReceiptHash == receipt || strings.Contains(rep.ReceiptHash, receipt) || len(rep.ReceiptHash) != 64 {
			t.Fatalf("receipt hash %q", rep.ReceiptHash)
		}
		if rep.Channel != "web" || rep.State != "received" || rep.Disclosure != "anonymous" || rep.Year != 2026 {
			t.Fatalf("report row %+v", rep)
		}
		// Ten working days after Monday 2 March: Monday 16 March, end of day.
		if due := rep.FirstAnswerDue.In(e.Location); due.Format("2006-01-02") != "2026-03-16" {
			t.Fatalf("first answer due %v", due)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ?", "report.receive").Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.EntityID != rep.ID || ev.ActorID != "" || ev.After != `{"channel":"web"}` || ev.Before != "" {
			t.Fatalf("audit %+v", ev)
		}
		// The phone lost the answer: the same report with the same proof
		// gets the same receipt, and nothing new is stored.
		again := send(e, reporterIP, "POST", "/api/v1/reports", "", "", body)
		if again.Code != 200 || receiptOf(t, again) != receipt {
			t.Fatalf("replay: %d %s", again.Code, again.Body)
		}
		// Another report with that proof: the challenge is spent.
		other := report(e, "另一件事")
		other["pow"] = body["pow"]
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", other); r.Code != 422 || problemFields(t, r)["pow"] == "" {
			t.Fatalf("spent challenge, other content: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 1 {
			t.Fatalf("%d reports", n)
		}
		// Once the challenge expired, its row goes and the proof is refused.
		e.Clock.Advance(reports.ChallengeTTL)
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", body); r.Code != 422 || problemFields(t, r)["pow"] == "" {
			t.Fatalf("expired replay: %d %s", r.Code, r.Body)
		}
		if err := e.Reports.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(&models.ReportChallenge{}, ""); n != 0 {
			t.Fatalf("%d spent challenges left after they expired", n)
		}
	})
}

func TestReportProofOfWork(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(time.Now())
		post := func(body map[string]any) *apitest.Response {
			return send(e, reporterIP, "POST", "/api/v1/reports", "", "", body)
		}
		body := report(e, "x")
		delete(body, "pow")
		if r := post(body); r.Code != 422 || problemFields(t, r)["pow"] == "" {
			t.Fatalf("no proof: %d %s", r.Code, r.Body)
		}
		// A nonce that does not solve the challenge.
		p := proof(e)
		ch := p["challenge"].(string)
		for n := 0; ; n++ {
			if !reports.Solves(ch, strconv.Itoa(n), apitest.TestPowBits) {
				p["nonce"] = strconv.Itoa(n)
				break
			}
		}
		body["pow"] = p
		if r := post(body); r.Code != 422 || !strings.Contains(problemFields(t, r)["pow"], "does not solve") {
			t.Fatalf("wrong nonce: %d %s", r.Code, r.Body)
		}
		// A challenge not made by this server (altered), and a nonce that is
		// not digits.
		p = proof(e)
		b := []byte(p["challenge"].(string))
		b[5] ^= 1
		body["pow"] = map[string]any{"challenge": string(b), "nonce": reports.Solve(string(b), apitest.TestPowBits)}
		if r := post(body); r.Code != 422 || !strings.Contains(problemFields(t, r)["pow"], "not a challenge") {
			t.Fatalf("altered challenge: %d %s", r.Code, r.Body)
		}
		body["pow"] = map[string]any{"challenge": p["challenge"], "nonce": "12a"}
		if r := post(body); r.Code != 422 || problemFields(t, r)["pow"] == "" {
			t.Fatalf("nonce not digits: %d %s", r.Code, r.Body)
		}
		// Expired.
		p = proof(e)
		e.Clock.Advance(reports.ChallengeTTL + time.Second)
		body["pow"] = p
		if r := post(body); r.Code != 422 || !strings.Contains(problemFields(t, r)["pow"], "expired") {
			t.Fatalf("expired: %d %s", r.Code, r.Body)
		}
		// The proof is checked with the fields, and both are named at once.
		body["pow"] = map[string]any{}
		body["what"] = ""
		if r := post(body); r.Code != 422 || problemFields(t, r)["pow"] == "" || problemFields(t, r)["what"] == "" {
			t.Fatalf("pow and what: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 0 {
			t.Fatalf("%d reports stored from refused proofs", n)
		}
	})
}

func TestReportValidationNamesTheFields(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		long := func(n int) string { return strings.Repeat("字", n) }
		cases := []struct {
			edit  func(b map[string]any)
			field string
		}{
			{func(b map[string]any) { b["what"] = "  " }, "what"},
			{func(b map[string]any) { b["what"] = long(10001) }, "what"},
			{func(b map[string]any) { b["involved"] = map[string]any{"agency": long(101)} }, "involved.agency"},
			{func(b map[string]any) { b["involved"] = map[string]any{"person": long(101)} }, "involved.person"},
			{func(b map[string]any) { b["involved"] = map[string]any{"role": "a\x00b"} }, "involved.role"},
			{func(b map[string]any) { b["when"] = long(201) }, "when"},
			{func(b map[string]any) { b["where"] = long(201) }, "where"},
			{func(b map[string]any) { b["how_known"] = long(2001) }, "how_known"},
			{func(b map[string]any) { b["disclosure"] = "public" }, "disclosure"},
			{func(b map[string]any) { delete(b, "disclosure") }, "disclosure"},
			{func(b map[string]any) { b["identity"] = map[string]any{"name": "陳小明"} }, "identity"},
			{func(b map[string]any) {
				b["disclosure"] = "confidential"
				b["identity"] = map[string]any{"phone": "0912345678"}
			}, "identity.name"},
			{func(b map[string]any) { b["disclosure"] = "open"; b["identity"] = map[string]any{"name": "陳小明"} }, "identity.phone"},
			{func(b map[string]any) {
				b["disclosure"] = "open"
				b["identity"] = map[string]any{"name": "陳小明", "email": "not-an-address"}
			}, "identity.email"},
			{func(b map[string]any) {
				b["disclosure"] = "confidential"
				b["identity"] = map[string]any{"name": "陳小明", "phone": "call me"}
			}, "identity.phone"},
			{func(b map[string]any) { b["what"] = 7 }, "what"},
		}
		for i, c := range cases {
			b := report(e, "事件")
			c.edit(b)
			r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", b)
			if r.Code != 422 || problemFields(t, r)[c.field] == "" {
				t.Errorf("case %d: %d %s, want 422 naming %s", i, r.Code, r.Body, c.field)
			}
		}
		b := report(e, "事件")
		b["ip"] = "1.2.3.4"
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", b); r.Code != 400 {
			t.Errorf("unknown field: %d %s", r.Code, r.Body)
		}
		big := report(e, "事件")
		big["how_known"] = strings.Repeat("x", 1<<20)
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", big); r.Code != 413 {
			t.Errorf("2 MiB of JSON: %d", r.Code)
		}
		// A valid confidential report with identity.
		ok := report(e, "事件")
		ok["disclosure"] = "confidential"
		ok["identity"] = map[string]any{"name": "陳小明", "email": "ming@example.tw"}
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", ok); r.Code != 201 {
			t.Errorf("confidential: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 1 {
			t.Fatalf("%d reports", n)
		}
	})
}

func TestReportMultipartWithFiles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		pdf := "%PDF-1.7\n" + strings.Repeat("pdf-body ", 100)
		body, ctype := multipartReport(t, report(e, "附照片"), [2]string{"收據.png", pngFile("p")}, [2]string{"../../etc/x.html", pdf})
		r := send(e, reporterIP, "POST", "/api/v1/reports", "", ctype, body)
		if r.Code != 201 {
			t.Fatalf("multipart: %d %s", r.Code, r.Body)
		}
		var files []models.ReportFile
		e.DB.Order("created_at").Find(&files)
		if len(files) != 2 || files[0].ContentType != "image/png" || files[1].ContentType != "application/pdf" || files[1].Size != int64(len(pdf)) {
			t.Fatalf("files %+v", files)
		}
		if n := storedUnder(t, e, "reports/"); n != 2 {
			t.Fatalf("%d sealed objects", n)
		}
		// Six files: refused, and nothing of it stays (no row, no object).
		six := make([][2]string, 6)
		for i := range six {
			six[i] = [2]string{fmt.Sprintf("%d.png", i), pngFile(strconv.Itoa(i))}
		}
		body, ctype = multipartReport(t, report(e, "六個檔案"), six...)
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", ctype, body); r.Code != 422 || problemFields(t, r)["file"] == "" {
			t.Fatalf("six files: %d %s", r.Code, r.Body)
		}
		// A file of another type: refused, nothing stays.
		body, ctype = multipartReport(t, report(e, "網頁"), [2]string{"a.png", pngFile("a")}, [2]string{"b.png", "<html>hi</html>"})
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", ctype, body); r.Code != 415 {
			t.Fatalf("html file: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Report{}, ""); n != 1 {
			t.Fatalf("%d reports", n)
		}
		if n := storedUnder(t, e, "reports/"); n != 2 {
			t.Fatalf("%d sealed objects after refused reports", n)
		}
		// The report part must come first.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("file", "a.png")
		_, _ = fw.Write([]byte(pngFile("z")))
		_ = w.Close()
		if r := send(e, reporterIP, "POST", "/api/v1/reports", "", w.FormDataContentType(), buf.Bytes()); r.Code != 422 || problemFields(t, r)["report"] == "" {
			t.Fatalf("file first: %d %s", r.Code, r.Body)
		}
	})
}

// access exchanges a receipt for a reporter's token.
func access(e *apitest.Env, ip, receipt string) *apitest.Response {
	e.T.Helper()
	return send(e, ip, "POST", "/api/v1/reports/access", "", "", map[string]string{"receipt": receipt})
}

func TestReporterFollowsUpWithTheReceipt(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		body, ctype := multipartReport(t, report(e, "承辦人收受招待"), [2]string{"收據.png", pngFile("r")})
		receipt := receiptOf(t, send(e, reporterIP, "POST", "/api/v1/reports", "", ctype, body))
		r := access(e, reporterIP, receipt)
		if r.Code != 200 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("access: %d %s", r.Code, r.Body)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		r.Decode(&tok)
		if tok.TokenType != "Bearer" || tok.ExpiresIn != 1800 {
			t.Fatalf("token %+v", tok)
		}
		wrong := []byte(receipt)
		wrong[15] = '0' + (wrong[15]-'0'+1)%10
		for _, bad := range []string{string(wrong), "123", "abcdefghijklmnop", ""} {
			if r := access(e, reporterIP, bad); r.Code != 401 || r.ErrorCode() != "unauthenticated" {
				t.Fatalf("receipt %q: %d %s", bad, r.Code, r.Body)
			}
		}
		mine := send(e, reporterIP, "GET", "/api/v1/reports/mine", tok.AccessToken, "", nil)
		if mine.Code != 200 || mine.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("mine: %d %s", mine.Code, mine.Body)
		}
		var v struct {
			State   string `json:"state"`
			Content struct {
				What string `json:"what"`
			} `json:"content"`
			Files []struct {
				Name string `json:"name"`
				From string `json:"from"`
			} `json:"files"`
			Messages []map[string]any `json:"messages"`
		}
		mine.Decode(&v)
		if v.State != "received" || v.Content.What != "承辦人收受招待" || len(v.Files) != 1 || v.Files[0].Name != "收據.png" || v.Files[0].From != "reporter" || len(v.Messages) != 0 {
			t.Fatalf("mine: %s", mine.Body)
		}
		m := send(e, reporterIP, "POST", "/api/v1/reports/mine/messages", tok.AccessToken, "", map[string]string{"text": "補充：2月3日"})
		if m.Code != 201 || m.JSON()["from"] != "reporter" {
			t.Fatalf("message: %d %s", m.Code, m.Body)
		}
		if r := send(e, reporterIP, "POST", "/api/v1/reports/mine/messages", tok.AccessToken, "", map[string]string{"text": " "}); r.Code != 422 || problemFields(t, r)["text"] == "" {
			t.Fatalf("empty message: %d %s", r.Code, r.Body)
		}
		// Four more files make five with the report's; the sixth is refused.
		for i := range 5 {
			r := upload(t, e, "/api/v1/reports/mine/files", tok.AccessToken, "file", fmt.Sprintf("補充%d.png", i), []byte(pngFile(strconv.Itoa(i))))
			if i < 4 && (r.Code != 201 || r.JSON()["from"] != "reporter") {
				t.Fatalf("file %d: %d %s", i, r.Code, r.Body)
			}
			if i == 4 && (r.Code != 422 || problemFields(t, r)["file"] == "") {
				t.Fatalf("sixth file: %d %s", r.Code, r.Body)
			}
		}
		if n := e.Count(&models.ReportFile{}, ""); n != 5 {
			t.Fatalf("%d files", n)
		}
		if n := storedUnder(t, e, "reports/"); n != 5 {
			t.Fatalf("%d objects", n)
		}
		mine = send(e, reporterIP, "GET", "/api/v1/reports/mine", tok.AccessToken, "", nil)
		mine.Decode(&v)
		if len(v.Messages) != 1 || len(v.Files) != 5 {
			t.Fatalf("mine after: %s", mine.Body)
		}
		// The token expires after 30 minutes.
		e.Clock.Set(time.Now().Add(reports.ReporterTTL + time.Minute))
		if r := send(e, reporterIP, "GET", "/api/v1/reports/mine", tok.AccessToken, "", nil); r.Code != 401 {
			t.Fatalf("expired token: %d", r.Code)
		}
	})
}

// TestReporterTokenOpensNothingElse: a reporter's token is refused on every
// route that takes a token, and staff tokens on the reporter's routes.
func TestReporterTokenOpensNothingElse(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		receipt := receiptOf(t, send(e, reporterIP, "POST", "/api/v1/reports", "", "", report(e, "x")))
		tok := access(e, reporterIP, receipt).JSON()["access_token"].(string)
		public := map[string]bool{}
		for _, p := range publicRouteSet {
			public[p] = true
		}
		checked := 0
		for _, rt := range engineRoutes(t, e) {
			key := rt.Method + " " + rt.Path
			if public[key] || strings.HasPrefix(rt.Path, "/api/v1/reports/mine") {
				continue
			}
			path := strings.NewReplacer(":id", "00000000-0000-4000-8000-000000000000", ":user_id", "00000000-0000-4000-8000-000000000001",
				":year", "2026", ":code", "infosec_audits", ":file_id", "00000000-0000-4000-8000-000000000002").Replace(rt.Path)
			var body any
			if rt.Method != "GET" && rt.Method != "DELETE" {
				body = map[string]any{}
			}
			r := send(e, reporterIP, rt.Method, path, tok, "", body)
			if r.Code != 401 && r.Code != 403 {
				t.Errorf("%s with a reporter's token: %d %s", key, r.Code, r.Body)
			}
			checked++
		}
		if checked < 50 {
			t.Fatalf("only %d routes checked", checked)
		}
		for _, who := range []string{"admin", "manager", "officer", "volunteer", "pending"} {
			for _, rt := range [][2]string{{"GET", "/api/v1/reports/mine"}, {"POST", "/api/v1/reports/mine/messages"}, {"POST", "/api/v1/reports/mine/files"}} {
				var body any
				if rt[0] == "POST" {
					body = map[string]string{"text": "x"}
				}
				if r := send(e, reporterIP, rt[0], rt[1], e.Tokens[who], "", body); r.Code != 401 {
					t.Errorf("%s %s as %s: %d", rt[0], rt[1], who, r.Code)
				}
			}
		}
	})
}

// publicRouteSet are the routes that take no token at all.
var publicRouteSet = []string{"GET /healthz", "GET /readyz", "GET /swagger/*any", "GET /static/*path", "GET /", "HEAD /", "GET /sw.js",
	"GET /api/v1/meta", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "POST /api/v1/volunteers/register",
	"GET /api/v1/reports/challenge", "POST /api/v1/reports", "POST /api/v1/reports/access"}

func TestReportThrottlesPerAddress(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		var receipt string
		for i := range reports.DefaultLimits.IntakePerAddress {
			r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", report(e, fmt.Sprintf("第%d件", i)))
			if r.Code != 201 {
				t.Fatalf("report %d: %d %s", i, r.Code, r.Body)
			}
			receipt = receiptOf(t, r)
		}
		r := send(e, reporterIP, "POST", "/api/v1/reports", "", "", report(e, "太多了"))
		if r.Code != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("sixth report: %d %s", r.Code, r.Body)
		}
		if secs, _ := strconv.Atoi(r.Header.Get("Retry-After")); secs < 1 || secs > 3600 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		if r := send(e, "198.51.100.24", "POST", "/api/v1/reports", "", "", report(e, "另一個位址")); r.Code != 201 {
			t.Fatalf("another address: %d %s", r.Code, r.Body)
		}
		// Wrong receipts: ten an hour from one address; then even the right
		// one waits, while another address is served.
		for i := range reports.DefaultLimits.AccessPerAddress {
			if r := access(e, reporterIP, fmt.Sprintf("%016d", i)); r.Code != 401 {
				t.Fatalf("wrong receipt %d: %d", i, r.Code)
			}
		}
		if r := access(e, reporterIP, receipt); r.Code != 429 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("eleventh: %d %s", r.Code, r.Body)
		}
		if r := access(e, "2001:db8:1:2::5", receipt); r.Code != 200 {
			t.Fatalf("another address: %d %s", r.Code, r.Body)
		}
		// Right receipts do not count: one address opens its report again
		// and again.
		for range reports.DefaultLimits.AccessPerAddress + 2 {
			if r := access(e, "2001:db8:1:2::6", receipt); r.Code != 200 {
				t.Fatalf("right receipt again: %d %s", r.Code, r.Body)
			}
		}
		// An IPv6 subscriber counts by its /64.
		for i := range reports.DefaultLimits.AccessPerAddress {
			access(e, fmt.Sprintf("2001:db8:9:9::%x", i+1), "0000000000000000")
		}
		if r := access(e, "2001:db8:9:9::ff", receipt); r.Code != 429 {
			t.Fatalf("same /64: %d", r.Code)
		}
		// An hour later the address is served again.
		e.Clock.Set(time.Now().Add(time.Hour + time.Minute))
		if r := access(e, reporterIP, receipt); r.Code != 200 {
			t.Fatalf("an hour later: %d %s", r.Code, r.Body)
		}
		// No address is stored, in any form a dump could read back.
		var keys []string
		e.DB.Model(&models.ReportThrottle{}).Pluck("key", &keys)
		for _, k := range keys {
			if strings.Contains(k, "198.51") || strings.Contains(k, "2001") {
				t.Fatalf("an address in the throttle key %q", k)
			}
		}
	})
}

// engineRoutes are the router's routes.
func engineRoutes(t *testing.T, e *apitest.Env) gin.RoutesInfo {
	t.Helper()
	engine, ok := e.Router.(*gin.Engine)
	if !ok {
		t.Fatalf("router is %T", e.Router)
	}
	return engine.Routes()
}

// TestReportPublicRoutesRoles is the role matrix of the public report
// routes: the intake is anyone's (a token, if sent, changes nothing); the
// reporter's routes take only a reporter's token, so every role and the
// anonymous caller get 401 there.
func TestReportPublicRoutesRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		receipt := receiptOf(t, send(e, reporterIP, "POST", "/api/v1/reports", "", "", report(e, "矩陣")))
		reporter := access(e, reporterIP, receipt).JSON()["access_token"].(string)
		for i, who := range []string{"", "pending", "volunteer", "officer", "manager", "admin"} {
			ip := fmt.Sprintf("203.0.113.%d", 10+i)
			tok := e.Tokens[who]
			if r := send(e, ip, "GET", "/api/v1/reports/challenge", tok, "", nil); r.Code != 200 {
				t.Errorf("challenge as %q: %d", who, r.Code)
			}
			if r := send(e, ip, "POST", "/api/v1/reports", tok, "", report(e, "由"+who)); r.Code != 201 {
				t.Errorf("report as %q: %d %s", who, r.Code, r.Body)
			}
			if r := send(e, ip, "POST", "/api/v1/reports/access", tok, "", map[string]string{"receipt": receipt}); r.Code != 200 {
				t.Errorf("access as %q: %d %s", who, r.Code, r.Body)
			}
			if r := send(e, ip, "GET", "/api/v1/reports/mine", tok, "", nil); r.Code != 401 {
				t.Errorf("mine as %q: %d", who, r.Code)
			}
			if r := send(e, ip, "POST", "/api/v1/reports/mine/messages", tok, "", map[string]string{"text": "x"}); r.Code != 401 {
				t.Errorf("message as %q: %d", who, r.Code)
			}
			if r := upload(t, e, "/api/v1/reports/mine/files", tok, "file", "a.png", []byte(pngFile("m"))); r.Code != 401 {
				t.Errorf("file as %q: %d", who, r.Code)
			}
		}
		if r := send(e, reporterIP, "GET", "/api/v1/reports/mine", reporter, "", nil); r.Code != 200 {
			t.Errorf("mine as the reporter: %d", r.Code)
		}
		if r := send(e, reporterIP, "POST", "/api/v1/reports/mine/messages", reporter, "", map[string]string{"text": "x"}); r.Code != 201 {
			t.Errorf("message as the reporter: %d", r.Code)
		}
		if r := upload(t, e, "/api/v1/reports/mine/files", reporter, "file", "a.png", []byte(pngFile("m"))); r.Code != 201 {
			t.Errorf("file as the reporter: %d %s", r.Code, r.Body)
		}
	})
}

// Markers of one report: none may be found at rest or in a log.
const (
	markWhat  = "MARKWHAT承辦人於開標前收受招待"
	markName  = "MARKNAME陳大文"
	markPhone = "0987-654-321"
	markEmail = "markmail@example.tw"
	markFile  = "FILEBYTESQZX"
	markReply = "MARKREPLY補充日期"
	markIP    = "203.0.113.77"
)

// sendMarked sends a confidential report with a file, opens it and
// answers, all from markIP, and returns its receipt.
func sendMarked(t *testing.T, e *apitest.Env) string {
	t.Helper()
	rep := report(e, markWhat)
	rep["disclosure"] = "confidential"
	rep["identity"] = map[string]any{"name": markName, "phone": markPhone, "email": markEmail}
	body, ctype := multipartReport(t, rep, [2]string{"evidence.png", pngFile(markFile)})
	receipt := receiptOf(t, send(e, markIP, "POST", "/api/v1/reports", "", ctype, body))
	tok := access(e, markIP, receipt).JSON()["access_token"].(string)
	if r := send(e, markIP, "POST", "/api/v1/reports/mine/messages", tok, "", map[string]string{"text": markReply}); r.Code != 201 {
		t.Fatalf("reply: %d %s", r.Code, r.Body)
	}
	if r := access(e, markIP, "0000000000000000"); r.Code != 401 {
		t.Fatalf("wrong receipt: %d", r.Code)
	}
	return receipt
}

func findMarks(s string, marks []string) []string {
	var found []string
	for _, m := range marks {
		if strings.Contains(s, m) {
			found = append(found, m)
		}
	}
	return found
}

// TestReportsLeaveNoPlaintextAtRest reads every column of every row of the
// report tables (every table whose name begins with report, so that a new
// one is read too) and the audit trail, and every file of the data
// directory, and finds nothing of a report: not its text, the reporter's
// identity, the file's bytes, the receipt or the reporter's address — nor
// of a report a handler recorded with a client id and sent again (its
// receipt is kept for the replay, sealed).
func TestReportsLeaveNoPlaintextAtRest(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		receipt := sendMarked(t, e)
		designateHandlers(t, e)
		call := map[string]any{"client_id": uuid.NewString(), "channel": "phone", "what": markWhat + "（電話）", "disclosure": "open",
			"identity": map[string]any{"name": markName, "phone": markPhone}}
		body, ctype := multipartReport(t, call, [2]string{"evidence-scan.png", pngFile(markFile)})
		var recorded string
		for range 2 { // the second is a replay, answered from the sealed receipt
			r := e.DoWith("POST", "/api/v1/reports/intake", e.Tokens["handler"], body, map[string]string{"Content-Type": ctype})
			if r.Code != 201 && r.Code != 200 {
				t.Fatalf("record: %d %s", r.Code, r.Body)
			}
			recorded = receiptOf(t, r)
		}
		if n := e.Count(&models.ReportIntake{}, "sealed IS NOT NULL"); n != 1 {
			t.Fatalf("%d sealed replays", n)
		}
		marks := []string{markWhat, markName, markPhone, markEmail, markFile, markReply, markIP, receipt, recorded, "evidence"}
		rows := 0
		tables, err := e.DB.Migrator().GetTables()
		if err != nil {
			t.Fatal(err)
		}
		var read []string
		for _, table := range tables {
			if strings.HasPrefix(table, "report") || table == "audit_events" {
				read = append(read, table)
			}
		}
		if !slices.Contains(read, "report_intakes") || !slices.Contains(read, "reports") || len(read) < 9 {
			t.Fatalf("tables read: %v", read)
		}
		for _, table := range read {
			rs, err := e.DB.Raw("SELECT * FROM " + table).Rows()
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rs.Columns()
			for rs.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rs.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				rows++
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if f := findMarks(s, marks); len(f) > 0 {
						t.Errorf("%s.%s holds %q", table, cols[i], f)
					}
				}
			}
			rs.Close()
		}
		if rows < 8 {
			t.Fatalf("only %d rows read", rows)
		}
		files := 0
		err = filepath.Walk(e.DataDir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			if f := findMarks(string(b), marks); len(f) > 0 {
				t.Errorf("%s holds %q", p, f)
			}
			return nil
		})
		if err != nil || files == 0 {
			t.Fatalf("walk: %v, %d files", err, files)
		}
	})
}

// TestReportsLeaveNothingInTheLogs captures every log line of a server
// while a report is sent with a file, opened, answered and a wrong
// receipt tried, and while the store fails (a 500): none names the text,
// the identity, the file's bytes, the receipt or the client's address,
// which the request log of other routes does name.
func TestReportsLeaveNothingInTheLogs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		var buf apitest.SyncBuffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		prev := slog.Default()
		slog.SetDefault(log)
		defer slog.SetDefault(prev)
		h := handlers.New(e.Svc)
		h.Reports = e.Reports
		router, err := api.NewRouter(api.Deps{Handler: h, Auth: e.Svc.Auth, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		e.Router = router
		receipt := sendMarked(t, e)
		// The store fails: the 500 is logged, without the report.
		if err := os.RemoveAll(filepath.Join(e.DataDir, "tmp")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.DataDir, "tmp"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		rep := report(e, markWhat)
		body, ctype := multipartReport(t, rep, [2]string{"evidence.png", pngFile(markFile)})
		if r := send(e, markIP, "POST", "/api/v1/reports", "", ctype, body); r.Code != 500 {
			t.Fatalf("failing store: %d %s", r.Code, r.Body)
		}
		logs := buf.String()
		if !strings.Contains(logs, "/api/v1/reports/mine/messages") || !strings.Contains(logs, "internal error") {
			t.Fatalf("the requests were not logged:\n%s", logs)
		}
		if f := findMarks(logs, []string{markWhat, markName, markPhone, markEmail, markFile, markReply, markIP, receipt, "evidence"}); len(f) > 0 {
			t.Fatalf("the logs hold %q:\n%s", f, logs)
		}
		// Other routes' request lines do carry the address.
		send(e, markIP, "GET", "/api/v1/meta", "", "", nil)
		if !strings.Contains(buf.String(), markIP) {
			t.Fatal("the request log of /api/v1/meta has no client address")
		}
	})
}

// storedUnder counts the objects of the test server's file store under
// prefix.
func storedUnder(t testing.TB, e *apitest.Env, prefix string) int {
	t.Helper()
	n := 0
	if err := e.Svc.Files.List(context.Background(), prefix, func(storage.Object) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}
