package handlers

import (
	"bytes"
	"encoding/json"
	"testing"

	"ethicsops/services"
)

// decodeError names the path of the bad value as the client wrote it: with
// array indices, through embedded structs, across whitespace, escaped keys
// and keys that match a field only without regard to case.
func TestDecodeErrorPaths(t *testing.T) {
	for _, tc := range []struct {
		body string
		dst  func() any
		want string // the one field named; "" for a 400
	}{
		{`{"procurement":{"budget_amount":"1500000"}}`, func() any { return &CreateActivityRequest{} }, "procurement.budget_amount"},
		{"{ \"checklist\" : [ {\"item\":\"a\"} ,\n {\"item\":\"b\", \"result\" : 5 } ] }", func() any { return &CreateActivityRequest{} }, "checklist[1].result"},
		{`{"checklist":[{"item":"\"]}"},{"item":{"x":[1,2]}}]}`, func() any { return &CreateActivityRequest{} }, "checklist[1].item"},
		{`{"Procurement":{"Budget_Amount":true}}`, func() any { return &CreateActivityRequest{} }, "Procurement.Budget_Amount"},
		{`{"ti\u0074le":5}`, func() any { return &CreateActivityRequest{} }, "title"},
		{`{"procurement":{"deficiencies":["a","b",[]]}}`, func() any { return &CreateActivityRequest{} }, "procurement.deficiencies[2]"},
		{`{"title":"明天","scheduled_at":"明天"}`, func() any { return &CreateActivityRequest{} }, "scheduled_at"},
		{`{"scheduled_at":"2026-03-01T09:00:00+08:00","completed_at":{}}`, func() any { return &CreateActivityRequest{} }, "completed_at"},
		{`{"version":1,"filed_at":5}`, func() any { return &PatchDeclarationRequest{} }, "filed_at"},
		{`{"operations":[{"op":"create_checkin","body":{"x":1}},{"op":"create_checkin","activity_id":[]}]}`, func() any { return &SyncRequest{} }, "operations[1].activity_id"},
		{`[1,2]`, func() any { return &CreateActivityRequest{} }, ""},
		{`"x"`, func() any { return &CheckinRequest{} }, ""},
	} {
		dst := tc.dst()
		dec := json.NewDecoder(bytes.NewReader([]byte(tc.body)))
		dec.DisallowUnknownFields()
		err := decodeError(dec.Decode(dst), []byte(tc.body), dst)
		got := ""
		if de, ok := asDomain(err); ok && len(de) == 1 {
			for k := range de {
				got = k
			}
		}
		if got != tc.want {
			t.Errorf("%s: %v, want field %q", tc.body, err, tc.want)
		}
	}
}

func asDomain(err error) (map[string]string, bool) {
	e, ok := services.AsError(err)
	if !ok || e.Code != services.CodeValidation {
		return nil, false
	}
	return e.Fields, true
}
