package models

import "time"

// Ethics-code registration types (公務員廉政倫理規範 登錄類別).
const (
	RegistrationGift        = "gift"        // 受贈財物
	RegistrationHospitality = "hospitality" // 飲宴應酬
	RegistrationLobbying    = "lobbying"    // 請託關說
	RegistrationOther       = "other"       // 其他廉政倫理事件
)

// RegistrationTypes lists every registration type in form order.
var RegistrationTypes = []string{RegistrationGift, RegistrationHospitality, RegistrationLobbying, RegistrationOther}

// Counterparty kinds: who gave, invited or asked.
var CounterpartyKinds = []string{"person", "organisation"}

// Handlings: what became of the gift, meal or request.
const (
	HandlingReturned       = "returned"                  // 退還
	HandlingPaid           = "paid"                      // 自行支付／付費
	HandlingHandedToAgency = "handed_to_agency"          // 交機關處理
	HandlingDonated        = "donated"                   // 轉贈慈善機構
	HandlingReportedOnly   = "reported_to_superior_only" // 僅簽報長官知悉
	HandlingOther          = "other"                     // 其他（附說明）
)

// RegistrationHandlings lists every handling in form order.
var RegistrationHandlings = []string{HandlingReturned, HandlingPaid, HandlingHandedToAgency, HandlingDonated, HandlingReportedOnly, HandlingOther}

// EthicsRegistration is one entry of the ethics-code register (公務員廉政倫理
// 規範登錄): a civil servant of the city received a gift, was invited to a
// meal, was lobbied or met another ethics event, told the ethics office,
// and the office registered it with how it was handled.
//
// EventDate and NotifiedDate are calendar dates in the office time zone,
// kept as "YYYY-MM-DD" (CHAR(10)) for the reasons given on Declaration.
// Late is derived from the two dates on every write (more than 3 calendar
// days between them) and stored so that the late filter is a plain column
// on both databases. ValueNTD is NULL for a lobbying request, which has no
// value.
//
// The indexes serve the list's order (event_date, id) and its filters by
// unit or type within years. Late and DeletedAt have none on purpose: they
// select most rows, and SQLite's planner, given an index on them, scanned
// it and sorted every row of the table (215 ms for the first page at
// 100,000 registrations, against a few ms walking (event_date, id)).
type EthicsRegistration struct {
	ID               string     `gorm:"primaryKey;size:36;index:idx_ethreg_event,priority:2;index:idx_ethreg_type_event,priority:3;index:idx_ethreg_unit_event,priority:3"`
	Type             string     `gorm:"size:16;not null;index:idx_ethreg_type_event,priority:1"`
	ServantName      string     `gorm:"size:50;not null"`
	ServantUnitID    string     `gorm:"size:36;not null;index:idx_ethreg_unit_event,priority:1"`
	ServantTitle     string     `gorm:"size:50;not null"`
	CounterpartyName string     `gorm:"size:100;not null"`
	CounterpartyKind string     `gorm:"size:16;not null"`
	InterestedParty  bool       `gorm:"not null;default:false"`
	EventDate        string     `gorm:"type:char(10);not null;index:idx_ethreg_event,priority:1;index:idx_ethreg_type_event,priority:2;index:idx_ethreg_unit_event,priority:2"`
	NotifiedDate     string     `gorm:"type:char(10);not null"`
	Late             bool       `gorm:"not null;default:false"`
	Description      string     `gorm:"type:text;not null"`
	ValueNTD         *int64     `gorm:""`
	Handling         string     `gorm:"size:32;not null"`
	HandlingNote     string     `gorm:"size:500;not null;default:''"`
	OwnerID          string     `gorm:"size:36;not null;index"`
	ContentHash      string     `gorm:"size:64;not null"`
	Version          int        `gorm:"not null"`
	CreatedAt        time.Time  `gorm:"precision:6;not null"`
	UpdatedAt        time.Time  `gorm:"precision:6;not null"`
	DeletedAt        *time.Time `gorm:"precision:6"`
}
