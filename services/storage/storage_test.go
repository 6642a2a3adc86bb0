package storage_test

import (
	"testing"

	"ethicsops/services/storage"
	"ethicsops/services/storage/storagetest"
)

// TestLocal is the contract every Store keeps, on the local directory.
func TestLocal(t *testing.T) {
	storagetest.RunContract(t, storage.NewLocal(t.TempDir()))
}

func TestValidKey(t *testing.T) {
	for key, want := range map[string]bool{
		"ab/abcdef": true, "reports/0190-x.bin": true, "": false, "../x": false, "a//b": false,
		"/abs": false, "a/./b": false, "a b": false, "名": false,
	} {
		if got := storage.ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", key, got, want)
		}
	}
}
