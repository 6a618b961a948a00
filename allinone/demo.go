package allinone

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/skflow/skflow/store"
)

// DemoOfficials are one person per role of the Wajo chain, plus an operator and an auditor.
// Their NIPs follow the real structure (birth date, TMT, sex digit, sequence). They exist only
// in embedded mode, where the database is private to one machine.
var DemoOfficials = []store.Official{
	{NIP: "199503142020121001", Name: "Muh. Ikhsan (Pelaksana)", Role: "pelaksana"},
	{NIP: "198807222014022003", Name: "Nurul Hikmah, S.Psi. (Analis SDMA Ahli Muda)", Role: "analis"},
	{NIP: "197811052005011002", Name: "Andi Baso Rahman, S.STP., M.Si. (Kabid PK ASN)", Role: "kabid"},
	{NIP: "197604182002122004", Name: "Hj. St. Aminah, S.Sos., M.M. (Sekretaris)", Role: "sekretaris"},
	{NIP: "197209121998031005", Name: "Dr. Andi Pallawarukka, M.Si. (Kepala BKPSDM)", Role: "kepala"},
	{NIP: "196906251994031006", Name: "Drs. H. Andi Muhammad Yusuf (Sekda)", Role: "sekda"},
	{NIP: "197001011996031001", Name: "H. Andi Amran (Bupati Wajo)", Role: "bupati"},
	{NIP: "199001012015031007", Name: "Operator Bidang PK ASN", Role: "operator"},
	{NIP: "198505052010012008", Name: "Auditor Inspektorat", Role: "auditor"},
}

// DemoPassword signs in every demo official.
const DemoPassword = "wajo2026"

// DemoNIPs are the demo officials' NIPs by role.
func DemoNIPs() map[string]string {
	m := make(map[string]string, len(DemoOfficials))
	for _, o := range DemoOfficials {
		m[o.Role] = o.NIP
	}
	return m
}

// SeedDemoOfficials adds the demo officials that are not there yet, with DemoPassword, and
// returns those it added.
func SeedDemoOfficials(ctx context.Context, s *store.Store) ([]store.Official, error) {
	var added []store.Official
	for _, o := range DemoOfficials {
		ok, err := s.AddOfficial(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("seed demo officials: %w", err)
		}
		if !ok {
			continue
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("seed demo officials: %w", err)
		}
		if err := s.SetPassword(ctx, o.NIP, string(hash)); err != nil {
			return nil, err
		}
		added = append(added, o)
	}
	return added, nil
}
