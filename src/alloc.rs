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
    slots: [(usize, usize); CACHE_SLOTS], // (address, rounded size); 0 = empty
    bytes: usize,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    slots: [(0, 0); CACHE_SLOTS],
    bytes: 0,
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
    let i = c.slots.iter().position(|&(p, s)| p != 0 && s == size)?;
    let (p, s) = c.slots[i];
    c.slots[i] = (0, 0);
    c.bytes -= s;
    REUSED.fetch_add(1, Ordering::Relaxed);
    Some(p as *mut u8)
}

fn put_cached(p: *mut u8, size: usize) -> bool {
    let Ok(mut c) = CACHE.lock() else {
        return false;
    };
    if c.bytes + size > CACHE_BYTES {
        return false;
    }
    let Some(i) = c.slots.iter().position(|&(q, _)| q == 0) else {
        return false;
    };
    c.slots[i] = (p as usize, size);
    c.bytes += size;
    true
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
}
