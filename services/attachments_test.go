package services

import (
	"runtime"
	"sync"
	"testing"
)

func TestKeyedMutexExcludesPerKeyAndForgets(t *testing.T) {
	var k keyedMutex
	var wg sync.WaitGroup
	inside := map[string]int{}
	var mu sync.Mutex
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b", "c"}[i%3]
			unlock := k.lock(key)
			mu.Lock()
			inside[key]++
			if inside[key] != 1 {
				t.Errorf("%d holders of %s at once", inside[key], key)
			}
			mu.Unlock()
			runtime.Gosched() // let another holder of key in, were the lock broken
			mu.Lock()
			inside[key]--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if len(k.m) != 0 {
		t.Fatalf("%d keys kept after every lock was released", len(k.m))
	}
}
