//! Realistic-looking ticket text for benchmarks: words drawn from a fixed
//! vocabulary with Zipf frequencies (a few words everywhere, most rare), as
//! in real support mail. Deterministic for a given seed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "da", "gu", "fi", "zo", "be", "xu", "wa",
    "qi", "ho", "ja", "ye", "co", "tu", "re", "ni",
];

/// Common support words, so searches for real terms find something.
const COMMON: [&str; 24] = [
    "the", "vpn", "printer", "login", "password", "error", "email", "invoice", "laptop", "network",
    "slow", "cannot", "access", "update", "server", "account", "broken", "screen", "crash",
    "license", "backup", "wifi", "phone", "order",
];

pub struct ZipfText {
    words: Vec<String>,
    /// Cumulative weights, for sampling by binary search.
    cumulative: Vec<f64>,
    rng: StdRng,
}

impl ZipfText {
    /// `vocabulary` words with weight 1/rank^1.07 (close to natural text).
    pub fn new(vocabulary: usize, seed: u64) -> Self {
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        let n = SYLLABLES.len();
        let mut i = 0usize;
        while words.len() < vocabulary.max(COMMON.len()) {
            let word = format!(
                "{}{}{}",
                SYLLABLES[i % n],
                SYLLABLES[(i / n) % n],
                SYLLABLES[(i / (n * n)) % n]
            );
            words.push(word);
            i += 1;
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.07);
                total
            })
            .collect();
        Self {
            words,
            cumulative,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn word(&mut self) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = self.rng.gen::<f64>() * total;
        let index = self.cumulative.partition_point(|c| *c < target);
        &self.words[index.min(self.words.len() - 1)]
    }

    pub fn sentence(&mut self, min_words: usize, max_words: usize) -> String {
        let count = self.rng.gen_range(min_words..=max_words);
        let mut out = String::with_capacity(count * 7);
        for i in 0..count {
            if i > 0 {
                out.push(' ');
            }
            let word = self.word().to_owned();
            out.push_str(&word);
        }
        out
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.rng.gen_range(0..n.max(1))
    }

    /// A word a person might search for: frequent ones more often.
    pub fn search_term(&mut self) -> String {
        self.word().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_words_dominate_and_output_is_deterministic() {
        let mut a = ZipfText::new(5_000, 7);
        let mut b = ZipfText::new(5_000, 7);
        assert_eq!(a.sentence(5, 20), b.sentence(5, 20));
        let mut the = 0;
        for _ in 0..10_000 {
            if a.word() == "the" {
                the += 1;
            }
        }
        // Rank 1 of 5,000 under Zipf(1.07) takes roughly an eighth of all words.
        assert!((700..2_000).contains(&the), "{the}");
    }
}
