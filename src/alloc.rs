//! The global allocator: small blocks go to mimalloc (its per-thread free
//! lists cost a fraction of glibc's malloc on the interpreter's per-op path:
//! shapes, argument vectors, boxed values); large
//! array buffers (≥ 1 MiB) are 2 MiB-aligned mappings advised for
//! transparent huge pages, and freed ones are kept in a small cache for the
//! next array of the same size class.
//!
//! Why: a fresh 80 MB buffer from glibc arrives as 4 KiB pages, and touching
//! it costs ~20,000 page faults; `z = a + b` in a loop pays that every time.
//! Huge pages cut the faults 512-fold and the cache removes them entirely for
//! the repeated same-size temporaries that array code makes (NumPy does the
//! same with `madvise(MADV_HUGEPAGE)` and its own buffer cache).

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Blocks of at least this many bytes take the large-buffer path.
pub const LARGE: usize = 1 << 20;
const HUGE_PAGE: usize = 2 << 20;
/// At most this many freed blocks are kept ...
const CACHE_SLOTS: usize = 8;
/// ... holding at most this many bytes in all.
const CACHE_BYTES: usize = 1 << 30;

pub struct ArrAlloc;

struct Cache {
    /// (address, rounded size, last use); address 0 = empty.
    slots: [(usize, usize, u64); CACHE_SLOTS],
    bytes: usize,
    clock: u64,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    slots: [(0, 0, 0); CACHE_SLOTS],
    bytes: 0,
    clock: 0,
});
/// Large blocks handed out from the cache (for tests and diagnostics).
pub static REUSED: AtomicUsize = AtomicUsize::new(0);
/// Large blocks handed out in all (cached or fresh).
pub static LARGE_ALLOCS: AtomicUsize = AtomicUsize::new(0);
/// When set, every allocation (any size) is counted in `ALLOCS`: tests use
/// it to prove that a path allocates nothing.
pub static COUNTING: AtomicBool = AtomicBool::new(false);
pub static ALLOCS: AtomicUsize = AtomicUsize::new(0);

#[inline]
fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
    }
}

fn rounded(size: usize) -> Option<usize> {
    size.checked_add(HUGE_PAGE - 1)
        .map(|s| s & !(HUGE_PAGE - 1))
}

fn take_cached(size: usize) -> Option<*mut u8> {
    let mut c = CACHE.lock().ok()?;
    let i = c.slots.iter().position(|&(p, s, _)| p != 0 && s == size)?;
    let (p, s, _) = c.slots[i];
    c.slots[i] = (0, 0, 0);
    c.bytes -= s;
    REUSED.fetch_add(1, Ordering::Relaxed);
    Some(p as *mut u8)
}

/// Keep a freed block for reuse. When the cache is full (slots or bytes),
/// the least recently freed blocks make room: a program that moves from
/// one array size to another (float64 work, then float32) must not be left
/// with a cache full of sizes it no longer makes, paying page faults on
/// every new array. Returns false when the block itself is not kept.
fn put_cached(p: *mut u8, size: usize) -> bool {
    if size > CACHE_BYTES {
        return false;
    }
    let mut evicted = [(0usize, 0usize); CACHE_SLOTS];
    let kept = {
        let Ok(mut c) = CACHE.lock() else {
            return false;
        };
        let mut n = 0;
        loop {
            let free = c.slots.iter().position(|&(q, _, _)| q == 0);
            if free.is_some() && c.bytes + size <= CACHE_BYTES {
                break;
            }
            // Evict the oldest block; the loop ends because each pass
            // empties a slot and CACHE_BYTES >= size.
            let Some(i) = (0..CACHE_SLOTS)
                .filter(|&i| c.slots[i].0 != 0)
                .min_by_key(|&i| c.slots[i].2)
            else {
                break;
            };
            let (q, s, _) = c.slots[i];
            c.slots[i] = (0, 0, 0);
            c.bytes -= s;
            evicted[n] = (q, s);
            n += 1;
        }
        match c.slots.iter().position(|&(q, _, _)| q == 0) {
            Some(i) if c.bytes + size <= CACHE_BYTES => {
                c.clock += 1;
                let t = c.clock;
                c.slots[i] = (p as usize, size, t);
                c.bytes += size;
                true
            }
            _ => false,
        }
    };
    // Unmap outside the lock.
    for &(q, s) in evicted.iter().filter(|e| e.0 != 0) {
        // SAFETY: each evicted block is a mapping of `s` bytes made by
        // map_huge and no longer referenced by the cache.
        unsafe { libc::munmap(q as *mut libc::c_void, s) };
    }
    kept
}

/// A fresh 2 MiB-aligned anonymous mapping of `size` bytes (a multiple of
/// 2 MiB), advised for huge pages.
unsafe fn map_huge(size: usize) -> *mut u8 {
    let Some(total) = size.checked_add(HUGE_PAGE) else {
        return std::ptr::null_mut();
    };
    // SAFETY: an anonymous private mapping with no address hint.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            total,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    let start = raw as usize;
    let aligned = (start + HUGE_PAGE - 1) & !(HUGE_PAGE - 1);
    // SAFETY: both trimmed ranges lie inside the mapping made above.
    unsafe {
        if aligned > start {
            libc::munmap(raw, aligned - start);
        }
        let tail = start + total - (aligned + size);
        if tail > 0 {
            libc::munmap((aligned + size) as *mut libc::c_void, tail);
        }
        libc::madvise(aligned as *mut libc::c_void, size, libc::MADV_HUGEPAGE);
    }
    aligned as *mut u8
}

unsafe impl GlobalAlloc for ArrAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        if layout.size() < LARGE || layout.align() > HUGE_PAGE {
            // SAFETY: forwarded with the caller's layout.
            return unsafe { MiMalloc.alloc(layout) };
        }
        let Some(size) = rounded(layout.size()) else {
            return std::ptr::null_mut();
        };
        LARGE_ALLOCS.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = take_cached(size) {
            return p;
        }
        // SAFETY: size is a non-zero multiple of 2 MiB.
        unsafe { map_huge(size) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        if layout.size() < LARGE || layout.align() > HUGE_PAGE {
            // SAFETY: forwarded with the caller's layout.
            return unsafe { MiMalloc.alloc_zeroed(layout) };
        }
        let Some(size) = rounded(layout.size()) else {
            return std::ptr::null_mut();
        };
        LARGE_ALLOCS.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = take_cached(size) {
            // SAFETY: the cached block holds `size` ≥ layout.size() bytes.
            unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
            return p;
        }
        // SAFETY: fresh anonymous mappings are zero-filled.
        unsafe { map_huge(size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() < LARGE || layout.align() > HUGE_PAGE {
            // SAFETY: this block came from mimalloc with this layout.
            return unsafe { MiMalloc.dealloc(ptr, layout) };
        }
        let Some(size) = rounded(layout.size()) else {
            return;
        };
        if !put_cached(ptr, size) {
            // SAFETY: the block is a mapping of `size` bytes made by map_huge.
            unsafe { libc::munmap(ptr as *mut libc::c_void, size) };
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let small_old = layout.size() < LARGE || layout.align() > HUGE_PAGE;
        let small_new = new_size < LARGE || layout.align() > HUGE_PAGE;
        if small_old && small_new {
            // SAFETY: both sides are mimalloc blocks with this alignment.
            return unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        }
        if !small_old && !small_new && rounded(layout.size()) == rounded(new_size) {
            return ptr; // the mapping already covers the new size
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: standard alloc-copy-free with valid layouts.
        unsafe {
            let p = self.alloc(new_layout);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_blocks_are_huge_page_aligned_and_reused() {
        let n = 3 * LARGE / 8 + 17; // f64s: a 3 MiB-and-a-bit buffer
        let v: Vec<f64> = vec![1.5; n];
        let p = v.as_ptr() as usize;
        assert_eq!(p % HUGE_PAGE, 0, "large buffers start on a 2 MiB boundary");
        assert!(v.iter().all(|&x| x == 1.5));
        drop(v);
        let before = REUSED.load(Ordering::Relaxed);
        // Another test thread may take the cached block first; retry a few.
        let mut reused = false;
        for _ in 0..4 {
            let w: Vec<f64> = vec![0.0; n];
            assert!(w.iter().all(|&x| x == 0.0), "zeroed even when reused");
            reused |= REUSED.load(Ordering::Relaxed) > before;
            drop(w);
        }
        assert!(
            reused,
            "a freed large block of the same size class is reused"
        );
    }

    #[test]
    fn realloc_across_the_threshold_keeps_contents() {
        let mut v: Vec<u8> = Vec::with_capacity(16);
        for i in 0..(3 * LARGE) {
            v.push((i % 251) as u8);
        }
        assert!(v.iter().enumerate().all(|(i, &x)| x == (i % 251) as u8));
        v.truncate(10);
        v.shrink_to_fit();
        assert_eq!(v, (0..10u8).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_cache_makes_room_for_a_new_size() {
        // Fill every slot with blocks of one size (as float64 work leaves
        // behind), then free a block of another size (float32 work): it is
        // kept, the oldest block making room, so the next array of the new
        // size reuses it instead of faulting in fresh pages.
        let old = HUGE_PAGE * 41;
        let new = HUGE_PAGE * 43;
        for _ in 0..CACHE_SLOTS {
            // SAFETY: a fresh mapping of `old` bytes, handed to the cache.
            let p = unsafe { map_huge(old) };
            assert!(!p.is_null());
            if !put_cached(p, old) {
                // SAFETY: not kept, so unmapped here.
                unsafe { libc::munmap(p as *mut libc::c_void, old) };
            }
        }
        // SAFETY: as above.
        let q = unsafe { map_huge(new) };
        assert!(!q.is_null());
        assert!(put_cached(q, new), "a full cache keeps the newest block");
        let got = take_cached(new);
        assert_eq!(
            got,
            Some(q),
            "and hands it out for the next array of its size"
        );
        // SAFETY: q is ours again; release everything this test left.
        unsafe { libc::munmap(q as *mut libc::c_void, new) };
        while let Some(p) = take_cached(old) {
            // SAFETY: cached blocks of `old` bytes are mappings of that size.
            unsafe { libc::munmap(p as *mut libc::c_void, old) };
        }
    }
}
