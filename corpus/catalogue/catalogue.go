// Package catalogue lists the organisations the corpus knows from the
// start: the 42 Integrated Care Boards of England as established on
// 1 July 2022 (Health and Care Act 2022), with their Organisation Data
// Service (ODS) codes and NHS England regions. These are public facts.
//
// Boards that merge later keep their rows here, so that documents filed
// under them stay valid; a merged board can be added as a user
// organisation (`nhsreview corpus org add`) until the catalogue carries it.
package catalogue

import (
	"sort"
	"strings"
)

// Version changes whenever the list changes, so that stores rewrite their
// copy of it.
const Version = "icb-2022-07-01.1"

// Organisation is one organisation of the catalogue.
type Organisation struct {
	Code       string `json:"code"` // ODS code
	Name       string `json:"name"`
	Kind       string `json:"kind"`        // "icb"
	Region     string `json:"region"`      // NHS England region
	RegionCode string `json:"region_code"` // its ODS code
}

// The seven NHS England regions and their ODS codes.
const (
	London      = "London"
	SouthEast   = "South East"
	SouthWest   = "South West"
	East        = "East of England"
	Midlands    = "Midlands"
	NorthWest   = "North West"
	NorthEastYH = "North East and Yorkshire"
)

var regionCodes = map[string]string{
	London:      "Y56",
	SouthWest:   "Y58",
	SouthEast:   "Y59",
	Midlands:    "Y60",
	East:        "Y61",
	NorthWest:   "Y62",
	NorthEastYH: "Y63",
}

// icbs is code, short name (the board is "NHS <name> Integrated Care
// Board") and region.
var icbs = [][3]string{
	// North East and Yorkshire
	{"QHM", "North East and North Cumbria", NorthEastYH},
	{"QOQ", "Humber and North Yorkshire", NorthEastYH},
	{"QF7", "South Yorkshire", NorthEastYH},
	{"QWO", "West Yorkshire", NorthEastYH},
	// North West
	{"QE1", "Lancashire and South Cumbria", NorthWest},
	{"QOP", "Greater Manchester", NorthWest},
	{"QYG", "Cheshire and Merseyside", NorthWest},
	// Midlands
	{"QHL", "Birmingham and Solihull", Midlands},
	{"QUA", "Black Country", Midlands},
	{"QWU", "Coventry and Warwickshire", Midlands},
	{"QGH", "Herefordshire and Worcestershire", Midlands},
	{"QNC", "Staffordshire and Stoke-on-Trent", Midlands},
	{"QOC", "Shropshire, Telford and Wrekin", Midlands},
	{"QJ2", "Derby and Derbyshire", Midlands},
	{"QK1", "Leicester, Leicestershire and Rutland", Midlands},
	{"QJM", "Lincolnshire", Midlands},
	{"QPM", "Northamptonshire", Midlands},
	{"QT1", "Nottingham and Nottinghamshire", Midlands},
	// East of England
	{"QUE", "Cambridgeshire and Peterborough", East},
	{"QM7", "Hertfordshire and West Essex", East},
	{"QH8", "Mid and South Essex", East},
	{"QMM", "Norfolk and Waveney", East},
	{"QJG", "Suffolk and North East Essex", East},
	{"QHG", "Bedfordshire, Luton and Milton Keynes", East},
	// London
	{"QMJ", "North Central London", London},
	{"QRV", "North West London", London},
	{"QMF", "North East London", London},
	{"QKK", "South East London", London},
	{"QWE", "South West London", London},
	// South East
	{"QU9", "Buckinghamshire, Oxfordshire and Berkshire West", SouthEast},
	{"QNQ", "Frimley", SouthEast},
	{"QRL", "Hampshire and Isle of Wight", SouthEast},
	{"QKS", "Kent and Medway", SouthEast},
	{"QNX", "Sussex", SouthEast},
	{"QXU", "Surrey Heartlands", SouthEast},
	// South West
	{"QOX", "Bath and North East Somerset, Swindon and Wiltshire", SouthWest},
	{"QUY", "Bristol, North Somerset and South Gloucestershire", SouthWest},
	{"QT6", "Cornwall and the Isles of Scilly", SouthWest},
	{"QJK", "Devon", SouthWest},
	{"QVV", "Dorset", SouthWest},
	{"QR1", "Gloucestershire", SouthWest},
	{"QSL", "Somerset", SouthWest},
}

// All returns the catalogue, sorted by region then name.
func All() []Organisation {
	out := make([]Organisation, 0, len(icbs))
	for _, r := range icbs {
		out = append(out, Organisation{
			Code:       r[0],
			Name:       "NHS " + r[1] + " Integrated Care Board",
			Kind:       "icb",
			Region:     r[2],
			RegionCode: regionCodes[r[2]],
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Region finds an NHS England region by name or ODS code, in any case.
func Region(nameOrCode string) (name, code string, ok bool) {
	for n, c := range regionCodes {
		if strings.EqualFold(nameOrCode, n) || strings.EqualFold(nameOrCode, c) {
			return n, c, true
		}
	}
	return "", "", false
}

// Regions returns the region names with their ODS codes.
func Regions() map[string]string {
	out := make(map[string]string, len(regionCodes))
	for k, v := range regionCodes {
		out[k] = v
	}
	return out
}
