package demo

import (
	"context"
	"fmt"

	"ethicsops/services"
)

// unitSite is a registered site of a demo unit.
type unitSite struct {
	name, address string
	lat, lng      float64
	radiusM       int
}

// unitSites are the places each demo unit registers, so that an officer
// picks where a record takes place from a list instead of typing it.
var unitSites = map[string][]unitSite{
	"CYC-ETH": {
		{"嘉義市政府（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
	},
	"CYC-PW": {
		{"嘉義市政府（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
		{"工務處東區道路維護工務所", "嘉義市東區忠孝路682號", 23.4925, 120.4578, 100},
		{"湖子內溪整治工區", "嘉義市西區湖子內路", 23.4870, 120.4230, 300},
		{"嘉義市體育館新建工程工區", "嘉義市東區山仔頂體育館路", 23.4752, 120.4742, 250},
	},
	"CYC-EDU": {
		{"嘉義市政府（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
		{"嘉義市教師研習中心", "嘉義市東區大雅路二段698號", 23.4860, 120.4568, 100},
	},
	"CYC-ENV": {
		{"環境保護局", "嘉義市西區北港路2000號", 23.4957, 120.4290, 120},
		{"嘉義市垃圾焚化廠", "嘉義市西區湖內里湖子內路580號", 23.4995, 120.4151, 400},
		{"環保局清潔隊東區車庫", "嘉義市東區彌陀路5號", 23.4755, 120.4700, 100},
	},
	"CYC-SOC": {
		{"嘉義市政府（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
		{"嘉義市社會福利館", "嘉義市西區德安路6號", 23.4757, 120.4420, 100},
	},
	"CYC-TRF": {
		{"交通處（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
		{"嘉義市公車轉運中心", "嘉義市西區中山路528號", 23.4791, 120.4406, 150},
		{"北門車站", "嘉義市東區共和路428號", 23.4876, 120.4530, 100},
	},
	"CYC-CIV": {
		{"民政處（市府大樓）", "嘉義市東區中山路199號", 23.4815, 120.4536, 150},
		{"嘉義市東區區公所", "嘉義市東區民權路30號", 23.4790, 120.4520, 100},
		{"嘉義市西區區公所", "嘉義市西區中興路301號", 23.4730, 120.4310, 100},
	},
	"SCH-CYJH": {
		{"嘉義國中校本部", "嘉義市東區大雅路二段738號", 23.4868, 120.4576, 200},
	},
	"SCH-MSES": {
		{"民生國小校本部", "嘉義市東區民生北路1號", 23.4765, 120.4585, 150},
	},
	"SCH-LHJH": {
		{"蘭潭國中校本部", "嘉義市東區大學路一段386號", 23.4734, 120.4769, 200},
	},
}

// seedSites has the manager register the demo units' sites.
func seedSites(ctx context.Context, s *services.Services, o *Office) error {
	m := o.Users["manager"]
	actor := services.Actor{UserID: m.ID, Role: m.Role, Status: m.Status}
	for _, nu := range Units {
		for _, st := range unitSites[nu.Code] {
			lat, lng := st.lat, st.lng
			if _, err := s.Units.CreateSite(ctx, actor, o.Units[nu.Code].ID,
				services.NewSite{Name: st.name, Address: st.address, Lat: &lat, Lng: &lng, RadiusM: st.radiusM}); err != nil {
				return fmt.Errorf("demo site %s %s: %w", nu.Code, st.name, err)
			}
		}
	}
	return nil
}
