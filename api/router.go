// Package api is the route table of ethicsops and its middleware: request ids,
// logging, limits, authentication, roles, and the one error envelope.
package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/web"
)

// Deps is what the router needs from main.
type Deps struct {
	Handler        *handlers.Handler
	Auth           *services.AuthService
	Log            *slog.Logger
	TrustedProxies []string
	CORSOrigins    []string
	// SwaggerUIOff answers 404 for the Swagger UI; /swagger/doc.json stays
	// for managers' tools (ETHICSOPS_SWAGGER_UI=off).
	SwaggerUIOff bool
}

// Role shorthands for the route table.
const (
	Admin     = models.RoleAdmin
	Manager   = models.RoleManager
	Officer   = models.RoleOfficer
	Volunteer = models.RoleVolunteer
)

// NewRouter builds the HTTP handler. Every route stands on one line with its
// guards, so that who may call what can be audited on one screen.
func NewRouter(d Deps) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Client addresses come from X-Forwarded-For only behind configured
	// proxies; with none configured, the socket address is used.
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	r.ForwardedByClientIP = len(d.TrustedProxies) > 0
	r.HandleMethodNotAllowed = false
	r.Use(withRequestID(), logRequests(d.Log), recoverPanics(d.Log), securityHeaders(), cors(d.CORSOrigins), renderErrors(d.Log))
	r.NoRoute(func(c *gin.Context) { writeError(c, d.Log, services.NotFound("route")) })

	h := d.Handler
	auth := authenticate(d.Auth, false)
	authPending := authenticate(d.Auth, true) // pending volunteers may see their own status
	staff := roles(Admin, Manager, Officer)
	mgr := roles(Admin, Manager)
	admin := roles(Admin)

	r.GET("/healthz", h.Healthz)
	r.GET("/readyz", h.Readyz)
	r.GET("/swagger/*any", swaggerUI(!d.SwaggerUIOff, d.Log))

	h.Describe = func(c *gin.Context, err error) (int, handlers.ErrorResponse) { return describe(c, d.Log, err) }
	// Uploads get their own body limit; every other /api/v1 route the JSON one.
	v1up := r.Group("/api/v1")
	v1 := v1up.Group("", limitBody(MaxJSONBody))
	v1.POST("/auth/login", paceSignIns(d.Auth), h.Login)
	v1.POST("/auth/refresh", h.Refresh)
	v1.POST("/auth/logout", authPending, h.Logout)
	v1.POST("/auth/logout-all", authPending, h.LogoutAll)
	v1.GET("/me", authPending, h.Me)
	v1.POST("/me/password", authPending, h.ChangePassword)
	v1.GET("/meta", h.Meta)
	v1.POST("/volunteers/register", h.RegisterVolunteer)

	v1.GET("/users", auth, admin, h.ListUsers)
	v1.POST("/users", auth, admin, h.CreateUser)
	v1.PATCH("/users/:id", auth, admin, h.UpdateUser)
	v1.POST("/users/:id/approve", auth, mgr, h.ApproveUser)
	v1.POST("/users/:id/reject", auth, mgr, h.RejectUser)

	v1.GET("/units", auth, h.ListUnits)
	v1.POST("/units", auth, admin, h.CreateUnit)
	v1.GET("/units/:id/sites", auth, staff, h.ListUnitSites)
	v1.POST("/units/:id/sites", auth, mgr, h.CreateUnitSite)

	v1.GET("/kpis", auth, mgr, h.KPIReport)
	v1.GET("/ethics-analysis", auth, mgr, h.EthicsAnalysis)
	v1.GET("/kpis/targets", auth, mgr, h.KPITargets)
	v1.GET("/kpis/:code/records", auth, mgr, h.KPIRecords)
	v1.PUT("/kpis/targets/:year", auth, admin, h.SetKPITargets)
	v1.POST("/kpis/years/:year/close", auth, admin, h.CloseKPIYear)
	v1.POST("/kpis/years/:year/reopen", auth, admin, h.ReopenKPIYear)

	v1.GET("/declarations", auth, staff, h.ListDeclarations)
	v1.GET("/declarations/export", auth, staff, h.ExportDeclarations)
	v1.POST("/declarations", auth, staff, h.CreateDeclaration)
	v1.PATCH("/declarations/:id", auth, staff, h.UpdateDeclaration)
	// The CSV import takes a larger body than the 1 MiB JSON limit of v1, so it
	// hangs on the engine with its own limit (5 MiB file + multipart framing).
	r.POST("/api/v1/declarations/import", limitBody(MaxImportBody), auth, staff, h.ImportDeclarations)
	v1.GET("/declarations/draws", auth, mgr, h.ListDraws)
	v1.POST("/declarations/draws", auth, mgr, h.CreateDraw)
	v1.GET("/declarations/draws/:id", auth, mgr, h.GetDraw)
	v1.GET("/declarations/draws/:id/verify", auth, mgr, h.VerifyDraw)

	v1.GET("/audit-events", auth, admin, h.ListAuditEvents)
	v1.GET("/audit-events/verify", auth, admin, h.VerifyAuditTrail)

	// Field records. Per-record rules (owner, published) are the
	// services' CanRead/CanEdit/CanCheckIn/CanUpload.
	v1.GET("/activities", auth, h.ListActivities)
	v1.POST("/activities", auth, staff, h.CreateActivity)
	v1.GET("/activities/export", auth, staff, h.ExportActivities)
	v1.GET("/activities/:id", auth, h.GetActivity)
	v1.PATCH("/activities/:id", auth, staff, h.UpdateActivity)
	v1.DELETE("/activities/:id", auth, staff, h.DeleteActivity)
	v1.POST("/activities/:id/review", auth, h.ReviewActivity) // managers, admins; officers 403, volunteers 404 (services.Review)
	v1.POST("/activities/:id/checkins", auth, h.CreateCheckin)
	v1.GET("/activities/:id/checkins", auth, staff, h.ListCheckins)
	v1.GET("/activities/:id/history", auth, h.ActivityHistory) // volunteers: 404, as for a record they cannot see
	v1up.POST("/activities/:id/attachments", limitBody(MaxUploadBody), auth, staff, h.UploadAttachment)
	v1.GET("/attachments/:id", auth, h.GetAttachment)
	v1.POST("/sync", auth, h.Sync)

	// Integrity volunteers. Per-event rules (published, capacity,
	// started) are VolunteerService's.
	v1.GET("/volunteers", auth, mgr, h.ListVolunteers)
	v1.GET("/volunteers/me/participation", auth, roles(Volunteer), h.MyParticipation)
	v1.POST("/activities/:id/signups", auth, roles(Volunteer), h.SignUp)
	v1.DELETE("/activities/:id/signups/me", auth, roles(Volunteer), h.CancelSignup)
	v1.GET("/activities/:id/signups", auth, staff, h.ListSignups)
	v1.GET("/activities/:id/signups/export", auth, staff, h.ExportSignups)
	v1.POST("/activities/:id/attendance/:user_id/confirm", auth, mgr, h.ConfirmAttendance)
	v1.POST("/activities/:id/attendance/:user_id/reject", auth, mgr, h.RejectAttendance)

	// Early warnings (預警作為). Who sees and edits which warning is the
	// services' CanSeeWarning/CanEditWarning.
	v1.GET("/early-warnings", auth, staff, h.ListEarlyWarnings)
	v1.POST("/early-warnings", auth, staff, h.CreateEarlyWarning)
	v1.GET("/early-warnings/:id", auth, staff, h.GetEarlyWarning)
	v1.PATCH("/early-warnings/:id", auth, staff, h.UpdateEarlyWarning)
	v1.POST("/early-warnings/:id/submit", auth, staff, h.SubmitEarlyWarning)
	v1.POST("/early-warnings/:id/return", auth, mgr, h.ReturnEarlyWarning)
	v1.POST("/early-warnings/:id/follow-ups", auth, staff, h.AddEarlyWarningFollowUp)
	v1.POST("/early-warnings/:id/close", auth, staff, h.CloseEarlyWarning)
	// The ethics-code register: staff only; who may edit a
	// record is RegistrationService's CanEditRegistration.
	v1.GET("/ethics-registrations", auth, staff, h.ListEthicsRegistrations)
	v1.POST("/ethics-registrations", auth, staff, h.CreateEthicsRegistration)
	v1.GET("/ethics-registrations/:id", auth, staff, h.GetEthicsRegistration)
	v1.PATCH("/ethics-registrations/:id", auth, staff, h.UpdateEthicsRegistration)
	v1.DELETE("/ethics-registrations/:id", auth, staff, h.DeleteEthicsRegistration)
	v1up.POST("/ethics-registrations/:id/attachments", limitBody(MaxUploadBody), auth, staff, h.UploadEthicsRegistrationAttachment)

	// Whistle-blowing reports, public side: no account; never cached; no
	// client address in their request logs. The reporter's routes take
	// only a reporter's token (one report), which every other route refuses.
	pub, reporter := noStore(), reporterAuth(h)
	v1.GET("/reports/challenge", pub, h.ReportChallenge)
	v1up.POST("/reports", pub, limitBody(MaxReportBody), h.SubmitReport)
	v1.POST("/reports/access", pub, h.ReportAccess)
	v1.GET("/reports/mine", pub, reporter, h.MyReport)
	v1.POST("/reports/mine/messages", pub, reporter, h.PostMyReportMessage)
	v1up.POST("/reports/mine/files", pub, limitBody(MaxUploadBody), reporter, h.PostMyReportFile)

	// Whistle-blowing reports, the handlers' side: who may read a report
	// (designated handlers, not excluded) is the reports service's rule;
	// the counts are for managers and admins too.
	v1.GET("/reports/stats", auth, staff, h.ReportStats)
	v1.GET("/reports", auth, staff, h.ListReports)
	v1.GET("/reports/:id", auth, staff, h.GetReport)
	v1.POST("/reports/:id/assign", auth, staff, h.AssignReport)
	v1.POST("/reports/:id/transition", auth, staff, h.TransitionReport)
	v1.POST("/reports/:id/messages", auth, staff, h.ReplyToReport)
	v1.GET("/reports/:id/files/:file_id", auth, staff, h.GetReportFile)
	v1up.POST("/reports/intake", limitBody(MaxReportBody), auth, staff, h.RecordReport)

	web.Register(r) // the mobile web client at /, /sw.js and /static/*
	return r, nil
}
