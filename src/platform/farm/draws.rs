//! The farm's random numbers: which server the random router picks, and
//! when a spot server is interrupted, from one seeded generator.
//!
//! A pick among a single server is always that server, yet drawing it takes
//! one step of the generator. Such steps are only counted, and the generator
//! jumps ahead by them before the next draw that matters, so every number
//! drawn is the one a draw at each pick would have left.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// The generator and the steps it owes.
pub(super) struct Draws {
    rng: Pcg64,
    /// Picks among one server since the last draw, each a step not taken.
    steps_owed: u64,
}

impl Draws {
    pub(super) fn new(seed: u64) -> Self {
        Draws {
            rng: Pcg64::seed_from_u64(seed),
            steps_owed: 0,
        }
    }

    /// A uniform index below `len` (at least 1), as `random_range(0..len)`
    /// draws it: below 2^32 one step of the generator, whose value times
    /// `len` cannot need a second when `len` is 1.
    #[inline(always)]
    pub(super) fn index_below(&mut self, len: usize) -> usize {
        if len == 1 {
            self.steps_owed += 1;
            return 0;
        }
        self.settle();
        self.rng.random_range(0..len)
    }

    /// A uniform number in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        self.settle();
        self.rng.random()
    }

    /// Takes the steps owed at once.
    fn settle(&mut self) {
        if self.steps_owed > 0 {
            self.rng.advance(u128::from(std::mem::take(&mut self.steps_owed)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_steps_leave_the_draws_of_a_generator_drawn_at_every_pick() {
        // Picks among 1, 1, 3, 1, 2 servers, a unit draw, then 1, 5.
        let mut draws = Draws::new(7);
        let mut plain = Pcg64::seed_from_u64(7);
        for len in [1, 1, 3, 1, 2] {
            assert_eq!(draws.index_below(len), plain.random_range(0..len));
        }
        assert_eq!(draws.unit(), plain.random::<f64>());
        for len in [1, 5] {
            assert_eq!(draws.index_below(len), plain.random_range(0..len));
        }
        assert_eq!(draws.unit(), plain.random::<f64>());
    }
}
