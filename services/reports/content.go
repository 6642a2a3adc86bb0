package reports

import (
	"encoding/json"
	"fmt"
)

// Content is what a reporter wrote, kept only sealed (Report.Sealed): the
// JSON of this struct, sealed with aad(reportID, "content").
type Content struct {
	// What happened (檢舉內容).
	What string `json:"what"`
	// Involved is who the report is about.
	Involved Involved `json:"involved"`
	// When and Where it happened, in the reporter's words.
	When  string `json:"when"`
	Where string `json:"where"`
	// HowKnown is how the reporter knows (親身經歷、聽聞、文件…).
	HowKnown string `json:"how_known"`
	// Identity is empty for an anonymous report.
	Identity Identity `json:"identity"`
	// Outcome is the handlers' decision (the agency a report was referred
	// to, the reason it was closed), sealed with the rest because it names
	// whom the report is about; never shown to the reporter.
	Outcome Outcome `json:"outcome,omitzero"`
}

// Outcome is what the handlers decided about a report.
type Outcome struct {
	// ReferredAgency names the agency concerned when referred to "agency".
	ReferredAgency string `json:"referred_agency,omitempty"`
	// Reason is why the report was closed (or a note on the referral).
	Reason string `json:"reason,omitempty"`
}

// Involved names the agency, person and role a report is about.
type Involved struct {
	Agency string `json:"agency"`
	Person string `json:"person"`
	Role   string `json:"role"`
}

// Identity is the reporter's name and contact, given only when they chose
// confidential or open.
type Identity struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// aad binds a sealed value to its row and its field, so that a sealed
// value copied into another row or field does not open.
func aad(id, field string) []byte { return []byte("ethicsops/report/" + id + "/" + field) }

// sealContent seals c for report id.
func (s *Service) sealContent(id string, c Content) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return s.sealer.Seal(b, aad(id, "content")), nil
}

// openContent opens the content of report id. Errors: ErrUnsealable.
func (s *Service) openContent(id string, sealed []byte) (Content, error) {
	b, err := s.sealer.Open(sealed, aad(id, "content"))
	if err != nil {
		return Content{}, err
	}
	var c Content
	if err := json.Unmarshal(b, &c); err != nil {
		return Content{}, fmt.Errorf("report %s: content: %w", id, err)
	}
	return c, nil
}

// sealText seals a message's text (aad: message id, "text") or a file's
// name (aad: file id, "name").
func (s *Service) sealText(id, field, text string) []byte {
	return s.sealer.Seal([]byte(text), aad(id, field))
}

// openText opens what sealText sealed. Errors: ErrUnsealable.
func (s *Service) openText(id, field string, sealed []byte) (string, error) {
	b, err := s.sealer.Open(sealed, aad(id, field))
	return string(b), err
}
