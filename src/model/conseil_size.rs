//! Size of the conseil de l'ordre (décret art. 4).
//!
//! > « chaque barreau est administré par un conseil de l'ordre des avocats, dont la composition est
//! > déterminée ainsi qu'il suit : trois membres dans les barreaux où le nombre des avocats
//! > disposant du droit de vote est de huit à quinze ; six membres […] de seize à cinquante ; douze
//! > membres […] de cinquante et un à cent ; dix-huit membres […] de cent un à mille ;
//! > vingt-quatre membres […] supérieur à mille ; quarante-deux membres à Paris. »
//!
//! Below eight avocats there is no conseil de l'ordre: the décret's table starts at eight, and art.
//! 11 has the bâtonnier and conseil elected only « lorsque le nombre des avocats inscrits à un
//! barreau devient au moins égal à huit » (the tribunal judiciaire exercises the conseil's powers,
//! loi n°71-1130 art. 16).

/// Number of members of the conseil de l'ordre of a barreau with `voters` avocats disposant du
/// droit de vote; `None` below eight (no conseil). Paris has 42 whatever its size.
pub fn conseil_size(voters: u64, paris: bool) -> Option<u32> {
    if paris {
        return Some(42);
    }
    match voters {
        0..=7 => None,
        8..=15 => Some(3),
        16..=50 => Some(6),
        51..=100 => Some(12),
        101..=1000 => Some(18),
        _ => Some(24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_barreau_of_seven_voters_has_no_conseil() {
        assert_eq!(conseil_size(0, false), None);
        assert_eq!(conseil_size(7, false), None);
    }

    #[test]
    fn eight_to_fifteen_voters_elect_three_members() {
        assert_eq!(conseil_size(8, false), Some(3));
        assert_eq!(conseil_size(15, false), Some(3));
    }

    #[test]
    fn sixteen_to_fifty_voters_elect_six_members() {
        assert_eq!(conseil_size(16, false), Some(6));
        assert_eq!(conseil_size(50, false), Some(6));
    }

    #[test]
    fn fifty_one_to_one_hundred_voters_elect_twelve_members() {
        assert_eq!(conseil_size(51, false), Some(12));
        assert_eq!(conseil_size(100, false), Some(12));
    }

    #[test]
    fn one_hundred_and_one_to_one_thousand_voters_elect_eighteen_members() {
        assert_eq!(conseil_size(101, false), Some(18));
        assert_eq!(conseil_size(1000, false), Some(18));
    }

    #[test]
    fn more_than_one_thousand_voters_elect_twenty_four_members() {
        assert_eq!(conseil_size(1001, false), Some(24));
        assert_eq!(conseil_size(u64::MAX, false), Some(24));
    }

    #[test]
    fn paris_has_forty_two_members_whatever_its_size() {
        assert_eq!(conseil_size(32_000, true), Some(42));
        assert_eq!(conseil_size(5, true), Some(42));
    }
}
