//! Splitting pure work (printing objects) over a few threads when there is enough of it
//! to pay for them. Results keep their input order, so a build reports the same first
//! error as when it runs on one thread. `PLUMB_KUSTOMIZE_THREADS=1` keeps everything on
//! the calling thread.
//!
//! Parsing stays on the calling thread: objects allocated by a short-lived thread live
//! in that thread's malloc arena, which glibc hands back to the system once the objects
//! are freed, so every build paid the page faults again (and lost more than it gained
//! on a busy machine).

use std::sync::OnceLock;

/// Fewer objects than this are printed on the calling thread: a thread costs about
/// what printing a few dozen objects does.
pub const MIN_PARALLEL_OBJECTS: usize = 96;

/// Threads worth using: the machine's parallelism, at most 4.
fn threads() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| {
        if let Some(n) = std::env::var("PLUMB_KUSTOMIZE_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            return n.clamp(1, 4);
        }
        std::thread::available_parallelism()
            .map(|n| n.get().min(4))
            .unwrap_or(1)
    })
}

/// Splits `items` into contiguous chunks of about equal weight and maps each chunk with
/// `f` on its own thread (the first on the calling thread). With one chunk, or when the
/// total weight is under `min_weight`, everything runs on the calling thread. Returns
/// the chunk results in input order.
pub fn map_chunks<T, R>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R>
where
    T: Send,
    R: Send,
{
    let total: usize = items.iter().map(&weight).sum();
    let n = threads().min(items.len());
    if n < 2 || total < min_weight {
        return vec![f(items)];
    }
    // Contiguous chunks, cut where the running weight passes each share.
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(n);
    let mut cur = Vec::new();
    let mut acc = 0usize;
    let share = total.div_ceil(n);
    for it in items {
        acc += weight(&it);
        cur.push(it);
        if acc >= share * (chunks.len() + 1) && chunks.len() + 1 < n {
            chunks.push(std::mem::take(&mut cur));
        }
    }
    chunks.push(cur);
    let f = &f;
    std::thread::scope(|s| {
        let mut rest = chunks.into_iter();
        let first = rest.next().unwrap_or_default();
        let handles: Vec<_> = rest.map(|c| s.spawn(move || f(c))).collect();
        let mut out = vec![f(first)];
        for h in handles {
            match h.join() {
                Ok(r) => out.push(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_order_and_cover_everything() {
        let items: Vec<usize> = (0..1000).collect();
        let out = map_chunks(items, |_| 100, 0, |c| c);
        let flat: Vec<usize> = out.into_iter().flatten().collect();
        assert_eq!(flat, (0..1000).collect::<Vec<_>>());
        let small = map_chunks(vec![1, 2, 3], |_| 1, 10, |c| c.len());
        assert_eq!(small, vec![3]);
    }
}
