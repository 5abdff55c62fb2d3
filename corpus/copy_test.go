package corpus

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestCopy: a SQLite corpus (documents with several versions and
// sources, a board pack's papers, the search index) copied to
// PostgreSQL holds the same rows, counted and hashed table by table; its
// search finds what the original's finds; new documents get new ids; and
// copied back to SQLite it is the same again. A corpus that holds
// documents is not copied into.
func TestCopy(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	rv := newReviewer(t, 1, "r1")
	if err := src.AddOrganisation(ctx, Organisation{Code: "RJ1", Name: "A London trust", Region: "London", RegionCode: "Y56"}); err != nil {
		t.Fatal(err)
	}
	for i, add := range []struct {
		source string
		data   []byte
		org    string
	}{
		{"https://a.nhs.uk/plan.md", strategy(1), "RJ1"},
		{"https://a.nhs.uk/plan.md", strategy(2), ""},
		{"https://b.nhs.uk/mirror.md", strategy(2), ""},
		{"https://c.nhs.uk/pack.md", boardPack("4 March 2026", "We will invest £2m in Core20PLUS5 work."), "QWO"},
		{"https://d.nhs.uk/" + fmt.Sprint(9) + ".md", searchCore, ""},
	} {
		if _, err := src.Ingest(ctx, rv, result(add.source, add.data), Meta{Org: add.org}); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	dst := openPostgresTemp(t)
	digests, err := Copy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, d := range digests {
		rows[d.Table] = d.Rows
	}
	if rows["documents"] != 3 || rows["versions"] != 4 || rows["sources"] != 4 || rows["papers"] == 0 || rows["passages"] == 0 || rows["organisations"] != 43 {
		t.Errorf("copied %v", rows)
	}
	for _, q := range []string{"core20plus5", `"keep you informed"`, "invest*"} {
		want, err1 := src.Search(ctx, Search{Query: q}, "r1")
		got, err2 := dst.Search(ctx, Search{Query: q}, "r1")
		if err1 != nil || err2 != nil || len(got) != len(want) || len(got) == 0 {
			t.Errorf("%s: %d hits on the copy (%v), %d on the original (%v)", q, len(got), err2, len(want), err1)
		}
	}
	if problems, err := dst.Check(ctx, false); err != nil || len(problems) > 0 {
		t.Errorf("the copy checked: %q, %v", problems, err)
	}
	out, err := dst.Ingest(ctx, rv, result("https://e.nhs.uk/new.md", strategy(5)), Meta{})
	if err != nil || out.Status != New || out.DocumentID != 4 {
		t.Fatalf("adding to the copy: %+v, %v", out, err)
	}

	if _, err := Copy(ctx, src, dst); err == nil || !strings.Contains(err.Error(), "holds documents already") {
		t.Errorf("copying into a corpus with documents: %v", err)
	}
	back, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "back.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	again, err := Copy(ctx, dst, back)
	if err != nil {
		t.Fatal(err)
	}
	if again[2].Rows != 4 {
		t.Errorf("copied back: %+v", again[2])
	}
	// Each document's latest version: the plan's second, the new one.
	if hits, err := back.Search(ctx, Search{Query: "homelessness"}, "r1"); err != nil || len(hits) != 2 || hits[1].DocumentID+hits[0].DocumentID != 5 {
		t.Errorf("search of the copy copied back: %d hits, %v", len(hits), err)
	}
}
