package services

import (
	"testing"

	"ethicsops/models"
)

func TestWarningRules(t *testing.T) {
	w := models.EarlyWarning{OwnerID: "writer", UnitID: "pw"}
	cases := []struct {
		name             string
		actor            Actor
		see, edit, retrn bool
	}{
		{"admin", Actor{UserID: "a", Role: models.RoleAdmin}, true, true, true},
		{"manager", Actor{UserID: "m", Role: models.RoleManager, UnitID: "edu"}, true, true, true},
		{"writer", Actor{UserID: "writer", Role: models.RoleOfficer, UnitID: "edu"}, true, true, false},
		{"officer of the unit", Actor{UserID: "o", Role: models.RoleOfficer, UnitID: "pw"}, true, false, false},
		{"officer of another unit", Actor{UserID: "o", Role: models.RoleOfficer, UnitID: "edu"}, false, false, false},
		{"officer of no unit", Actor{UserID: "o", Role: models.RoleOfficer}, false, false, false},
		{"volunteer named as writer", Actor{UserID: "writer", Role: models.RoleVolunteer, UnitID: "pw"}, false, false, false},
	}
	for _, c := range cases {
		if got := CanSeeWarning(c.actor, w); got != c.see {
			t.Errorf("%s sees: %v", c.name, got)
		}
		if got := CanEditWarning(c.actor, w); got != c.edit {
			t.Errorf("%s edits: %v", c.name, got)
		}
		if got := CanReturnWarning(c.actor); got != c.retrn {
			t.Errorf("%s returns: %v", c.name, got)
		}
	}
	// A warning without a unit is not everyone's whose unit is empty.
	if CanSeeWarning(Actor{UserID: "o", Role: models.RoleOfficer}, models.EarlyWarning{OwnerID: "x"}) {
		t.Error("officer without a unit sees a unitless warning")
	}
}
