//! The cost–latency Pareto front of a sweep: the rows no other row beats
//! on both total cost and p99 latency. A row is off the front when another
//! costs no more and is no slower, and is cheaper or faster; rows equal in
//! both are on it together. Sorting makes it O(n log n) in the rows.

use crate::pricing::Decimal;

/// For each (total, p99 ms) row, whether it is on the front (both
/// minimised). A p99 that is not a number is never on the front and beats
/// no other row.
pub fn front(rows: &[(Decimal, f64)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[a].0.cmp(&rows[b].0).then(rows[a].1.total_cmp(&rows[b].1)));
    let mut on_front = vec![false; rows.len()];
    // The fastest p99 among rows strictly cheaper than the current group.
    let mut fastest_cheaper: Option<f64> = None;
    for group in order.chunk_by(|&a, &b| rows[a].0 == rows[b].0) {
        let fastest = group
            .iter()
            .map(|&index| rows[index].1)
            .filter(|p99| !p99.is_nan())
            .reduce(f64::min);
        let Some(fastest) = fastest else { continue };
        for &index in group {
            let p99 = rows[index].1;
            on_front[index] = p99 == fastest && fastest_cheaper.is_none_or(|cheaper| p99 < cheaper);
        }
        fastest_cheaper = Some(fastest_cheaper.map_or(fastest, |cheaper| cheaper.min(fastest)));
    }
    on_front
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(i64, f64)]) -> Vec<(Decimal, f64)> {
        pairs
            .iter()
            .map(|&(cents, p99)| (Decimal::new(cents, 2), p99))
            .collect()
    }

    #[test]
    fn rows_beaten_on_both_counts_are_off_the_front() {
        // $1.00/900 ms, $2.00/400 ms and $5.00/100 ms trade cost for speed;
        // $3.00/500 ms is beaten by $2.00/400 ms on both, $6.00/100 ms by
        // $5.00/100 ms on cost alone (equal p99), $1.00/950 ms by
        // $1.00/900 ms on p99 alone (equal cost).
        let front = front(&rows(&[
            (300, 500.0),
            (100, 900.0),
            (500, 100.0),
            (200, 400.0),
            (600, 100.0),
            (100, 950.0),
        ]));
        assert_eq!(front, [false, true, true, true, false, false]);
    }

    #[test]
    fn equal_rows_are_on_the_front_together() {
        // Two rows of $2.00/300 ms: neither is strictly better than the
        // other, and nothing beats them.
        let front = front(&rows(&[(200, 300.0), (400, 100.0), (200, 300.0), (400, 100.0)]));
        assert_eq!(front, [true, true, true, true]);
    }

    #[test]
    fn a_faster_row_of_equal_cost_beats_a_cheaper_row_of_equal_speed() {
        // $1.00/500 ms beats $1.00/600 ms (p99) and $2.00/500 ms (cost).
        let front = front(&rows(&[(200, 500.0), (100, 600.0), (100, 500.0)]));
        assert_eq!(front, [false, false, true]);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(front(&[]), Vec::<bool>::new());
        assert_eq!(front(&rows(&[(0, 0.0)])), [true]);
        // A p99 that is not a number is never on the front and beats nothing.
        assert_eq!(front(&rows(&[(100, f64::NAN), (200, 10.0)])), [false, true]);
    }
}
