package services

import (
	"context"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services/storage"
)

// Options configure the services of one process.
type Options struct {
	JWTSecret  []byte
	Location   *time.Location // the office time zone
	Clock      Clock          // nil means SystemClock
	BcryptCost int            // 0 means the production cost; tests lower it
	DataDir    string         // the data directory (temporary files; the files when Files is nil)
	// Files is the one store of the process's files; each service keeps its
	// own key prefix in it ("attachments/…"). nil means the data directory
	// (storage.NewLocal(DataDir)).
	Files storage.Store
	// RegisterPerHour is how many volunteer registrations one client
	// address may make per hour; 0 means DefaultRegistrationsPerHour.
	RegisterPerHour int
	// HashGate bounds the bcrypt work of the process; nil means GOMAXPROCS
	// slots and HashWait.
	HashGate *HashGate
	// MaxExportRows bounds the record and roster downloads; 0 means
	// DefaultMaxExportRows.
	MaxExportRows int
	// SignInGate paces sign-in attempts per client address; nil means
	// DefaultSignInLimits.
	SignInGate *AddressGate
}

// Services is every service of the process, built once by main.
type Services struct {
	DB *gorm.DB
	// Files is the store of the process's files (Options.Files), shared by
	// every service under its own key prefix.
	Files storage.Store
	Auth  *AuthService
	Users *UserService
	Units *UnitService
	KPIs  *KPIService
	// Location is the office time zone.
	Location *time.Location

	Declarations *DeclarationService

	Audit *AuditService

	// Activities and Attachments are the field records.
	Activities  *ActivityService
	Attachments *AttachmentService

	// Volunteers are the integrity volunteers' sign-ups and hours.
	Volunteers *VolunteerService

	// EarlyWarnings are the 預警作為 and their follow-ups.
	EarlyWarnings *EarlyWarningService
	// Registrations is the ethics-code register.
	Registrations *RegistrationService
}

// New builds the services over db.
func New(db *gorm.DB, o Options) *Services {
	if o.Clock == nil {
		o.Clock = SystemClock
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Files == nil {
		o.Files = storage.NewLocal(o.DataDir)
	}
	auth := NewAuthService(db, o.JWTSecret, o.Clock, o.BcryptCost)
	if o.HashGate != nil {
		auth.hashes = o.HashGate
	}
	if o.SignInGate != nil {
		auth.signIns = o.SignInGate
	}
	decl := NewDeclarationService(db, o.Clock, o.Location)
	kpis := NewKPIService(db, o.Clock, o.Location, decl)
	decl.periods = kpis
	activities := NewActivityService(db, o.Clock, kpis)
	kpis.volunteers = NewVolunteerService(db, o.Clock, o.Location)
	kpis.volunteers.periods = kpis
	registrations := NewRegistrationService(db, o.Clock, o.Location)
	attachments := NewAttachmentService(db, o.Clock, o.Files, o.DataDir, activities)
	attachments.registrations = registrations
	audit := NewAuditService(db)
	audit.now = o.Clock
	if o.MaxExportRows > 0 {
		activities.exportMax, decl.exportMax = o.MaxExportRows, o.MaxExportRows
	}
	return &Services{
		DB:    db,
		Files: o.Files,
		Auth:  auth,
		Users: NewUserService(db, auth, o.Clock, o.RegisterPerHour),
		Units: NewUnitService(db, o.Clock),
		KPIs:  kpis,

		Declarations: decl,
		Location:     o.Location,
		Audit:        audit,

		Activities:  activities,
		Attachments: attachments,
		Volunteers:  kpis.volunteers,

		EarlyWarnings: NewEarlyWarningService(db, o.Clock, o.Location),
		Registrations: registrations,
	}
}

// Ping checks that the database answers within ctx.
func (s *Services) Ping(ctx context.Context) error { return models.Ping(ctx, s.DB) }
