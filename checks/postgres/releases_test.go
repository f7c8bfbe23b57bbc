package postgres

import (
	"strings"
	"testing"
	"time"
)

func TestReleaseTable(t *testing.T) {
	date, err := time.Parse(time.DateOnly, releases.Date)
	if err != nil {
		t.Fatalf("the table's date: %v", err)
	}
	for major := range releases.Latest {
		eol, err := time.Parse(time.DateOnly, releases.EndOfLife[major])
		if err != nil || !eol.After(date) {
			t.Errorf("major %s: end of life %q is not a date after the table's", major, releases.EndOfLife[major])
		}
	}
	if _, warn := ReleaseTable(date.Add(ReleaseTableMaxAge)); warn != "" {
		t.Errorf("a table exactly %v old warns: %s", ReleaseTableMaxAge, warn)
	}
	_, warn := ReleaseTable(date.AddDate(0, 0, 121))
	if !strings.Contains(warn, "121 days old") || !strings.Contains(warn, releases.Date) {
		t.Errorf("a 121-day-old table: warning %q", warn)
	}
}
