package postgres

import (
	"fmt"
	"time"
)

// releases is the table DB-07 judges against: the supported majors and
// their latest minor releases, as of its date. It is embedded so that an
// audit needs no network; update it after each quarterly release (second
// Thursday of February, May, August and November) and after out-of-cycle
// ones, from the PostgreSQL versioning policy page.
//
// 2026-11-12: 15.20 is confirmed by the Debian security archive, which
// ships upstream minors unchanged; the other branches release in lockstep
// with it. 14 reached its end of life with 14.25 that day.
var releases = Releases{
	Date: "2026-11-12",
	Latest: map[string]int{
		"18": 6,
		"17": 12,
		"16": 16,
		"15": 20,
	},
	EndOfLife: map[string]string{
		"18": "2030-11-14",
		"17": "2029-11-08",
		"16": "2028-11-09",
		"15": "2027-11-11",
	},
}

// ReleaseTableMaxAge is how old the release table may grow before every
// audit warns that DB-07 judges against stale data.
const ReleaseTableMaxAge = 120 * 24 * time.Hour

// ReleaseTable returns the embedded release table, and a warning when it
// is older than ReleaseTableMaxAge at now.
func ReleaseTable(now time.Time) (Releases, string) {
	date, err := time.Parse(time.DateOnly, releases.Date)
	if err != nil {
		panic(fmt.Sprintf("postgres: release table date %q: %v", releases.Date, err))
	}
	if age := now.Sub(date); age > ReleaseTableMaxAge {
		return releases, fmt.Sprintf("the PostgreSQL release table DB-07 judges against is %d days old (dated %s): a newer build of audit knows later minor releases",
			int(age.Hours()/24), releases.Date)
	}
	return releases, ""
}
