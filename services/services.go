package services

import (
	"context"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// Options configure the services of one process.
type Options struct {
	JWTSecret  []byte
	Location   *time.Location // the office time zone
	Clock      Clock          // nil means SystemClock
	BcryptCost int            // 0 means the production cost; tests lower it
	DataDir    string         // where attachments are kept
}

// Services is every service of the process, built once by main.
type Services struct {
	DB    *gorm.DB
	Auth  *AuthService
	Users *UserService
	Units *UnitService
	// Activities and Attachments are the field records (issue 3).
	Activities  *ActivityService
	Attachments *AttachmentService
}

// New builds the services over db.
func New(db *gorm.DB, o Options) *Services {
	if o.Clock == nil {
		o.Clock = SystemClock
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	auth := NewAuthService(db, o.JWTSecret, o.Clock, o.BcryptCost)
	activities := NewActivityService(db, o.Clock)
	return &Services{
		Activities:  activities,
		Attachments: NewAttachmentService(db, o.Clock, o.DataDir, activities),
		DB:          db,
		Auth:        auth,
		Users:       NewUserService(db, auth, o.Clock),
		Units:       NewUnitService(db, o.Clock),
	}
}

// Ping checks that the database answers within ctx.
func (s *Services) Ping(ctx context.Context) error { return models.Ping(ctx, s.DB) }
