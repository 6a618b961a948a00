package store

import "database/sql/driver"

// jsonText is a JSON document bound for a jsonb column. The pool sends each statement with its
// parameters in one round trip (binary_parameters, see Open), which sends a []byte as binary
// data; jsonb's binary form starts with a version byte that JSON text lacks, so a document goes
// as text.
type jsonText []byte

func (j jsonText) Value() (driver.Value, error) {
	if j == nil {
		return nil, nil
	}
	return string(j), nil
}
