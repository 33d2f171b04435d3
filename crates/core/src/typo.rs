//! "Did you mean …?": the allowed word nearest to a typo, for every `hint:` that suggests one.

/// The entry of `allowed` nearest to `word` by edit distance (ignoring case), when it is near
/// enough to be the word meant: at most 2 edits, or a quarter of its length for long words, and
/// fewer edits than it has characters. Ties go to the first entry.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    allowed
        .iter()
        .map(|a| (edit_distance(&word, &a.to_lowercase()), *a))
        .filter(|(d, a)| {
            let len = a.chars().count();
            *d <= 2.max(len / 4) && *d < len
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_of_known_pairs() {
        for (a, b, d) in [
            ("", "", 0),
            ("kitten", "sitting", 3),
            ("horizon", "horizont", 1),
            ("Müller", "Muller", 1),
            ("abc", "", 3),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} / {b}");
            assert_eq!(edit_distance(b, a), d, "{b} / {a}");
        }
    }

    #[test]
    fn suggests_only_what_is_near() {
        let allowed = ["forecast.horizon", "forecast.discount_rate", "id", "name"];
        assert_eq!(
            closest("forecast.horizont", &allowed),
            Some("forecast.horizon")
        );
        assert_eq!(
            closest("FORECAST.HORIZON", &allowed),
            Some("forecast.horizon")
        );
        assert_eq!(
            closest("forecast.discount", &allowed),
            Some("forecast.discount_rate")
        );
        assert_eq!(closest("nmae", &allowed), Some("name"));
        // Two edits would turn `id` into anything of two letters.
        assert_eq!(closest("xy", &allowed), None);
        assert_eq!(closest("budget", &allowed), None);
    }
}
