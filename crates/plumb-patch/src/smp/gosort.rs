//! Go's `sort.SliceStable`, step for step.
//!
//! apimachinery sorts merged list elements with a "less" that answers `true` whenever the
//! first element is missing from the order list, which is not a strict weak order. The
//! result then depends on the exact algorithm (insertion sort in blocks of 20, then
//! `symMerge`), so we run the same one.

/// Sorts `v` in place with Go's stable sort; `less(v, i, j)` compares `v[i]` and `v[j]`.
pub(crate) fn slice_stable<T>(v: &mut [T], less: impl Fn(&[T], usize, usize) -> bool) {
    let n = v.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(v, &less, a, b);
        a = b;
        b += block;
    }
    insertion_sort(v, &less, a, n);
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(v, &less, a, a + block, b);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(v, &less, a, m, n);
        }
        block *= 2;
    }
}

fn insertion_sort<T>(v: &mut [T], less: &impl Fn(&[T], usize, usize) -> bool, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(v, j, j - 1) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(
    v: &mut [T],
    less: &impl Fn(&[T], usize, usize) -> bool,
    a: usize,
    m: usize,
    b: usize,
) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(v, h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            v.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(v, m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            v.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(v, p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(v, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(v, less, a, start, mid);
    }
    if mid < end && end < b {
        sym_merge(v, less, mid, end, b);
    }
}

fn rotate<T>(v: &mut [T], a: usize, m: usize, b: usize) {
    let (mut i, mut j) = (m - a, b - m);
    while i != j {
        if i > j {
            swap_range(v, m - i, m, j);
            i -= j;
        } else {
            swap_range(v, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(v, m - i, m, i);
}

fn swap_range<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::slice_stable;

    #[test]
    fn a_consistent_order_sorts_stably_at_every_size() {
        for n in [0, 1, 2, 19, 20, 21, 40, 63, 100] {
            let mut v: Vec<(u32, usize)> = (0..n).map(|i| ((i * 7 % 5) as u32, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            slice_stable(&mut v, |s, i, j| s[i].0 < s[j].0);
            assert_eq!(v, want, "n = {n}");
        }
    }

    #[test]
    fn an_inconsistent_less_gives_gos_insertion_sort_answer() {
        // apimachinery: less(i, j) is true unless both are found and i is later.
        let order = ["c"];
        let pos = |x: &str| order.iter().position(|o| *o == x);
        let mut v = vec!["b", "a", "c"];
        slice_stable(&mut v, |s, i, j| match (pos(s[i]), pos(s[j])) {
            (Some(a), Some(b)) => a < b,
            _ => true,
        });
        assert_eq!(v, ["c", "a", "b"]);
    }
}
