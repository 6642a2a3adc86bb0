package api_test

import (
	"strings"
	"testing"

	"ethicsops/apitest"
	"ethicsops/models"
)

func TestUnitSites(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := "/api/v1/units/" + e.Unit.ID + "/sites"
		site := func(name string, extra map[string]any) map[string]any {
			b := map[string]any{"name": name, "address": "嘉義市東區中山路199號", "lat": 23.4811, "lng": 120.4536, "radius_m": 150}
			for k, v := range extra {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		for _, name := range []string{"第二辦公室", "市府大樓"} {
			if r := e.Do("POST", path, e.Tokens["manager"], site(name, nil)); r.Code != 201 {
				t.Fatalf("create %s: %d %s", name, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "unit_site.create"); n != 2 {
			t.Fatalf("audit events: %d, want 2", n)
		}
		r := e.Do("GET", path, e.Tokens["officer"], nil)
		if r.Code != 200 {
			t.Fatalf("list: %d %s", r.Code, r.Body)
		}
		var list struct {
			Items []struct {
				Name, Address string
				Lat, Lng      float64
				RadiusM       int `json:"radius_m"`
			}
		}
		r.Decode(&list)
		if len(list.Items) != 2 || list.Items[0].Name != "市府大樓" && list.Items[0].Name != "第二辦公室" || list.Items[0].RadiusM != 150 || list.Items[0].Lat != 23.4811 {
			t.Fatalf("list: %+v", list.Items)
		}
		// Another unit's list is its own.
		if r := e.Do("GET", "/api/v1/units/"+e.Unit2.ID+"/sites", e.Tokens["officer"], nil); r.Code != 200 || strings.Contains(r.Body, "市府大樓") {
			t.Fatalf("unit2: %d %s", r.Code, r.Body)
		}

		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no name", site("", nil), "name"},
			{"long name", site(strings.Repeat("站", 101), nil), "name"},
			{"long address", site("甲", map[string]any{"address": strings.Repeat("路", 201)}), "address"},
			{"lat out of range", site("乙", map[string]any{"lat": 91}), "lat"},
			{"lng out of range", site("丙", map[string]any{"lng": -181}), "lng"},
			{"no lat", site("丁", map[string]any{"lat": nil}), "lat"},
			{"radius too small", site("戊", map[string]any{"radius_m": 9}), "radius_m"},
			{"radius too large", site("己", map[string]any{"radius_m": 5001}), "radius_m"},
			{"control character", site("庚\u202E", nil), "name"},
		} {
			r := e.Do("POST", path, e.Tokens["admin"], tc.body)
			if r.Code != 422 || !strings.Contains(r.Body, `"`+tc.field+`"`) {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}
		if r := e.Do("POST", path, e.Tokens["admin"], site("市府大樓", nil)); r.Code != 409 {
			t.Errorf("duplicate name: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path, e.Tokens["admin"], site("城東", map[string]any{"radius_m": 10})); r.Code != 201 {
			t.Errorf("radius 10: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/units/"+e.Unit.ID+"x/sites", e.Tokens["admin"], site("城西", nil)); r.Code != 404 {
			t.Errorf("unknown unit: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/units/no-such-unit/sites", e.Tokens["officer"], nil); r.Code != 404 {
			t.Errorf("list unknown unit: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path, e.Tokens["admin"], map[string]any{"name": "辛", "lat": 23.4, "lng": 120.4, "radius_m": 100, "owner": "x"}); r.Code != 400 && r.Code != 422 {
			t.Errorf("unknown field: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.UnitSite{}, "unit_id = ?", e.Unit.ID); n != 3 {
			t.Errorf("sites stored: %d, want 3", n)
		}
	})
}
