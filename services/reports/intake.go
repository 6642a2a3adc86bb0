package reports

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// Bounds of a report's fields, in characters.
const (
	MaxWhat      = 10000
	MaxInvolved  = 100
	MaxWhenWhere = 200
	MaxHowKnown  = 2000
	MaxName      = 100
	MaxPhone     = 32
	MaxEmail     = 254
	// MaxMessage bounds a message of the follow-up.
	MaxMessage = 5000
)

// ReportInput is what a reporter (or a handler recording a report received
// by letter, phone, mailbox or in person) gives.
type ReportInput struct {
	What       string
	Involved   Involved
	When       string
	Where      string
	HowKnown   string
	Disclosure string
	Identity   Identity
}

// FileSource gives the files sent with a report one at a time: their name
// and bytes, io.EOF after the last. The bytes of one are read before the
// next is asked for (a multipart body is read as it comes).
type FileSource func() (name string, r io.Reader, err error)

// Submission is a report sent through the public page.
type Submission struct {
	Report ReportInput
	Pow    *Proof
	Files  FileSource // nil: none
}

// Receipt is the answer to a report: the receipt, shown once. Replay is
// true when it answers the same report sent again with the same proof, or
// recorded again with the same client id (nothing new was stored). Ref is
// the office's reference ("115-0007"), given to a handler who recorded the
// report (Record), never to the public.
type Receipt struct {
	ReportID string
	Ref      string
	Receipt  string
	Replay   bool
}

var phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ()#-]{4,31}$`)

// cleanText trims s and checks it: valid UTF-8, at most max characters,
// no control characters but line breaks and tabs where multiline.
func cleanText(f services.Fields, field, s string, limit int, multiline bool) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		f.Add(field, "must be valid UTF-8 text")
	case utf8.RuneCountInString(s) > limit:
		f.Add(field, fmt.Sprintf("must be at most %d characters", limit))
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r'))
	}):
		f.Add(field, "must not hold control characters")
	}
	return s
}

// validateReport checks in and returns it cleaned (trimmed). Every problem names
// its field's path in the request.
func validateReport(in ReportInput) (ReportInput, error) {
	f := services.Fields{}
	in.What = cleanText(f, "what", in.What, MaxWhat, true)
	if in.What == "" {
		f.Add("what", "required: say what happened")
	}
	in.Involved.Agency = cleanText(f, "involved.agency", in.Involved.Agency, MaxInvolved, false)
	in.Involved.Person = cleanText(f, "involved.person", in.Involved.Person, MaxInvolved, false)
	in.Involved.Role = cleanText(f, "involved.role", in.Involved.Role, MaxInvolved, false)
	in.When = cleanText(f, "when", in.When, MaxWhenWhere, false)
	in.Where = cleanText(f, "where", in.Where, MaxWhenWhere, false)
	in.HowKnown = cleanText(f, "how_known", in.HowKnown, MaxHowKnown, true)
	in.Identity.Name = cleanText(f, "identity.name", in.Identity.Name, MaxName, false)
	in.Identity.Phone = cleanText(f, "identity.phone", in.Identity.Phone, MaxPhone, false)
	in.Identity.Email = cleanText(f, "identity.email", in.Identity.Email, MaxEmail, false)
	id := in.Identity
	switch in.Disclosure {
	case "anonymous":
		if id != (Identity{}) {
			f.Add("identity", "must be empty for an anonymous report")
		}
	case "confidential", "open":
		if id.Name == "" {
			f.Add("identity.name", "required unless the report is anonymous")
		}
		if id.Phone == "" && id.Email == "" {
			f.Add("identity.phone", "a phone number or an e-mail address is required unless the report is anonymous")
		}
	case "":
		f.Add("disclosure", "required: anonymous, confidential or open")
	default:
		f.Add("disclosure", "must be anonymous, confidential or open")
	}
	if id.Phone != "" && !phoneRe.MatchString(id.Phone) {
		f.Add("identity.phone", "must be a phone number (digits, spaces, + ( ) - #)")
	}
	if id.Email != "" {
		if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != id.Email || a.Name != "" {
			f.Add("identity.email", "must be an e-mail address such as name@example.tw")
		}
	}
	return in, f.Err()
}

// content is the sealed document of in.
func (in ReportInput) content() Content {
	return Content{What: in.What, Involved: in.Involved, When: in.When, Where: in.Where, HowKnown: in.HowKnown, Identity: in.Identity}
}

// Submit receives a report through the public page: with a proof of work,
// throttled per address and globally, its files sealed into the store, and
// the report, its files and the spent challenge committed together. The
// same proof with the same report again answers the same receipt (Replay);
// with another report, 422 fields.pow.
//
// Errors: validation (field paths of the request; pow; file), too_many_
// requests, payload_too_large, unsupported_media_type, unavailable.
func (s *Service) Submit(ctx context.Context, sub Submission) (Receipt, error) {
	in, verr := validateReport(sub.Report)
	id, expires, perr := s.checkProof(sub.Pow)
	if err := mergeFields(verr, perr); err != nil {
		return Receipt{}, err
	}
	doc, err := json.Marshal(in.content())
	if err != nil {
		return Receipt{}, err
	}
	hash := sha256.Sum256(append([]byte(in.Disclosure+"\x00"), doc...))
	if r, err := s.replay(ctx, sub.Pow, id, hash[:]); err != nil || r != "" {
		return Receipt{Receipt: r, Replay: r != ""}, err
	}
	// Only a valid report with a valid proof counts against the limits: a
	// reporter correcting a field is not turned away, and what is refused
	// before this point cost the server nothing to speak of.
	if _, err := s.reserve(ctx, kindIntake); err != nil {
		return Receipt{}, err
	}
	claim := func(tx *gorm.DB, _, receipt string) error {
		sealed, err := s.replaySeal(sub.Pow, id, receipt, hash[:])
		if err != nil {
			return err
		}
		err = tx.Create(&models.ReportChallenge{ID: id, Sealed: sealed, ExpiresAt: expires}).Error
		if models.IsDuplicate(err) {
			return errSpent
		}
		return err
	}
	out, err := s.receive(ctx, services.Actor{}, "web", in, sub.Files, claim)
	if errors.Is(err, errSpent) {
		// The same proof committed meanwhile (a retry racing its first
		// try, on this server or another).
		r, rerr := s.replay(ctx, sub.Pow, id, hash[:])
		if rerr != nil || r == "" {
			return Receipt{}, firstErr(rerr, powInvalid("the challenge was already used; get a new one"))
		}
		return Receipt{Receipt: r, Replay: true}, nil
	}
	return out, err
}

var errSpent = errors.New("reports: the challenge was spent meanwhile")

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// mergeFields joins two validation errors into one naming all the fields;
// another error wins as it is.
func mergeFields(errs ...error) error {
	all := services.Fields{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		de, ok := services.AsError(err)
		if !ok || de.Code != services.CodeValidation {
			return err
		}
		for k, v := range de.Fields {
			all.Add(k, v)
		}
	}
	return all.Err()
}

// receive stores a validated report of channel: files first (sealed into
// the store), then in one transaction claim (the public intake's spent
// challenge, a handler's client id: first, so that of two requests at once
// the second waits for the first and finds the claim taken), the report,
// its files' rows and the audit event report.receive, which says nothing of
// the report. Nothing of a failed report stays: its objects are removed.
// The transaction runs again after a deadlock or a Galera certification
// failure (services.InTx), with the same report id and receipt: claim then
// claims afresh, and finds the claim taken if a request with the same one
// committed meanwhile (on another node, that is what failed certification),
// as when the two meet on one node.
func (s *Service) receive(ctx context.Context, by services.Actor, channel string, in ReportInput, files FileSource, claim func(tx *gorm.DB, reportID, receipt string) error) (Receipt, error) {
	now := s.now()
	id := uuid.NewString()
	var stored []models.ReportFile
	ok := false
	defer func() {
		if !ok {
			for _, f := range stored {
				s.dropFile(f)
			}
		}
	}()
	if files != nil {
		for {
			name, r, err := files()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return Receipt{}, err
			}
			if len(stored) == MaxReporterFiles {
				return Receipt{}, services.Invalid("file", fmt.Sprintf("at most %d files", MaxReporterFiles))
			}
			f, err := s.putFile(ctx, id, "reporter", name, r)
			if err != nil {
				return Receipt{}, err
			}
			stored = append(stored, f)
		}
	}
	receipt := newReceipt()
	hash, err := s.hashReceipt(ctx, receipt)
	if err != nil {
		return Receipt{}, err
	}
	sealed, err := s.sealContent(id, in.content())
	if err != nil {
		return Receipt{}, err
	}
	d := s.deadlines(now)
	rep := models.Report{
		ID: id, ReceiptHash: hash, Channel: channel, State: models.ReportReceived, Disclosure: in.Disclosure,
		Year: now.In(s.loc).Year(), Sealed: sealed, KeyID: s.sealer.KeyID(),
		FirstAnswerDue: d.FirstAnswer, AssessmentDue: d.Assessment, ReceivedAt: now, UpdatedAt: now, Version: 1,
	}
	err = services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if claim != nil {
			if err := claim(tx, id, receipt); err != nil {
				return err
			}
		}
		if err := tx.Create(&rep).Error; err != nil {
			return err
		}
		for i := range stored {
			if err := tx.Create(&stored[i]).Error; err != nil {
				return err
			}
		}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: by, Action: "report.receive", EntityType: "report", EntityID: id,
			After: map[string]any{"channel": channel}})
	})
	if err != nil {
		return Receipt{}, err
	}
	ok = true
	return Receipt{ReportID: id, Receipt: receipt}, nil
}
