//! The split of a CNB collège's seats between the Paris and national circonscriptions.
//!
//! Décret n°91-1197 (chapitre II, section I), II: « La répartition, établie selon la règle de
//! proportionnalité prévue au sixième alinéa de l'article 21-2 de la loi du 31 décembre 1971
//! susvisée, est la même dans chaque collège. Lorsque l'application de cette règle n'aboutit pas
//! à un nombre entier pair de sièges dans chacune des circonscriptions, il est procédé comme
//! suit : 1° En cas de nombres non entiers de sièges, chacune des circonscriptions se voit
//! attribuer le nombre entier immédiatement inférieur de sièges et le siège restant est attribué
//! à celle des circonscriptions dont le nombre de sièges est impair ; 2° En cas de nombres
//! entiers impairs, celle des circonscriptions qui obtient le nombre le moins élevé de sièges se
//! voit attribuer un siège supplémentaire retiré à l'autre circonscription. »
//!
//! The proportionality of the loi (art. 21-2) is to the number of avocats of each circonscription,
//! which the bâtonniers communicate to the CNB before 1 March; the caller passes those numbers.
//! Even numbers matter because the collège ordinal splits each circonscription's seats in half
//! between women and men.

use serde::{Deserialize, Serialize};

use super::common::{Circonscription, Ratio, RuleError, fr};

/// The décret's passage applied.
pub const RULE_SEAT_SPLIT: &str = "Décret n°91-1197 : « Lorsque l'application de cette règle n'aboutit pas à un nombre entier pair de sièges dans chacune des circonscriptions, il est procédé comme suit : 1° En cas de nombres non entiers de sièges, chacune des circonscriptions se voit attribuer le nombre entier immédiatement inférieur de sièges et le siège restant est attribué à celle des circonscriptions dont le nombre de sièges est impair ; 2° En cas de nombres entiers impairs, celle des circonscriptions qui obtient le nombre le moins élevé de sièges se voit attribuer un siège supplémentaire retiré à l'autre circonscription. »";

/// The input of the split: the collège's seats and the avocats of each circonscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatSplitInput {
    /// Seats of the collège (even).
    pub seats: u32,
    /// Avocats counted in the Paris circonscription.
    pub paris_avocats: u64,
    /// Avocats counted in the national circonscription.
    pub national_avocats: u64,
}

/// Which adjustment of the décret applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "adjustment", rename_all = "snake_case")]
pub enum Adjustment {
    /// The proportional shares are even integers: nothing to adjust.
    None,
    /// 1°: non-integer shares; each takes its integer part, the remaining seat goes to the one
    /// whose integer part is odd.
    NonInteger {
        /// The circonscription that took the remaining seat.
        to: Circonscription,
    },
    /// 2°: odd integer shares; the smaller takes one seat from the other.
    OddIntegers {
        /// The circonscription that gave a seat.
        from: Circonscription,
        /// The circonscription that received it.
        to: Circonscription,
    },
}

/// The split, with the exact proportional shares the PV prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatSplit {
    /// Seats of the collège.
    pub seats: u32,
    /// Avocats of the Paris circonscription.
    pub paris_avocats: u64,
    /// Avocats of the national circonscription.
    pub national_avocats: u64,
    /// Paris's proportional share, exact: `seats × paris / (paris + national)`.
    pub paris_share: Ratio,
    /// The national circonscription's proportional share, exact.
    pub national_share: Ratio,
    /// The adjustment applied.
    pub adjustment: Adjustment,
    /// Seats of the Paris circonscription.
    pub paris: u32,
    /// Seats of the national circonscription.
    pub national: u32,
    /// The décret passage applied.
    pub rule: String,
}

impl SeatSplit {
    /// The seats of one circonscription.
    pub fn seats_of(&self, c: Circonscription) -> u32 {
        match c {
            Circonscription::Paris => self.paris,
            Circonscription::National => self.national,
        }
    }
}

/// Splits the seats of a collège between the two circonscriptions.
pub fn split_cnb_seats(input: &SeatSplitInput) -> Result<SeatSplit, RuleError> {
    if input.seats == 0 || !input.seats.is_multiple_of(2) {
        return Err(RuleError::invalid(
            "seats",
            format!(
                "{} sièges : la règle du décret donne un nombre pair de sièges à chaque circonscription, le total doit être pair et non nul",
                input.seats
            ),
        ));
    }
    let total = u128::from(input.paris_avocats) + u128::from(input.national_avocats);
    let total = u64::try_from(total)
        .map_err(|_| RuleError::invalid("national_avocats", "total supérieur à 2^64"))?;
    if total == 0 {
        return Err(RuleError::invalid(
            "paris_avocats",
            "aucun avocat dans les deux circonscriptions",
        ));
    }
    let seats = u128::from(input.seats);
    let paris_num = seats * u128::from(input.paris_avocats);
    let national_num = seats * u128::from(input.national_avocats);
    let share = |num: u128| {
        // num / total with num ≤ seats × total: reduce to fit u64 exactly.
        let g = gcd(num, u128::from(total));
        Ratio::new(
            u64::try_from(num / g).unwrap_or(u64::MAX),
            u64::try_from(u128::from(total) / g).unwrap_or(u64::MAX),
        )
    };
    let paris_floor = (paris_num / u128::from(total)) as u32;
    let national_floor = (national_num / u128::from(total)) as u32;
    let integer = paris_num % u128::from(total) == 0;

    let (paris, national, adjustment) = if integer {
        if paris_floor.is_multiple_of(2) {
            (paris_floor, national_floor, Adjustment::None)
        } else if paris_floor < national_floor {
            (
                paris_floor + 1,
                national_floor - 1,
                Adjustment::OddIntegers {
                    from: Circonscription::National,
                    to: Circonscription::Paris,
                },
            )
        } else if national_floor < paris_floor {
            (
                paris_floor - 1,
                national_floor + 1,
                Adjustment::OddIntegers {
                    from: Circonscription::Paris,
                    to: Circonscription::National,
                },
            )
        } else {
            return Err(RuleError::invalid(
                "paris_avocats",
                format!(
                    "les deux circonscriptions obtiennent le même nombre impair de sièges ({paris_floor}) : le 2° du décret ne désigne pas celle qui reçoit le siège supplémentaire"
                ),
            ));
        }
    } else {
        // Non-integer shares of an even total: the integer parts add up to seats − 1, so
        // exactly one of them is odd.
        if paris_floor % 2 == 1 {
            (
                paris_floor + 1,
                national_floor,
                Adjustment::NonInteger {
                    to: Circonscription::Paris,
                },
            )
        } else {
            (
                paris_floor,
                national_floor + 1,
                Adjustment::NonInteger {
                    to: Circonscription::National,
                },
            )
        }
    };
    if paris + national != input.seats {
        return Err(RuleError::invalid(
            "seats",
            format!(
                "répartition incohérente : {} + {} ≠ {}",
                fr(paris),
                fr(national),
                fr(input.seats)
            ),
        ));
    }
    Ok(SeatSplit {
        seats: input.seats,
        paris_avocats: input.paris_avocats,
        national_avocats: input.national_avocats,
        paris_share: share(paris_num),
        national_share: share(national_num),
        adjustment,
        paris,
        national,
        rule: RULE_SEAT_SPLIT.to_string(),
    })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(seats: u32, paris: u64, national: u64) -> Result<SeatSplit, RuleError> {
        split_cnb_seats(&SeatSplitInput {
            seats,
            paris_avocats: paris,
            national_avocats: national,
        })
    }

    #[test]
    fn even_integer_shares_need_no_adjustment() {
        let s = split(40, 30_000, 70_000).unwrap();
        assert_eq!((s.paris, s.national), (12, 28));
        assert_eq!(s.adjustment, Adjustment::None);
    }

    #[test]
    fn non_integer_shares_give_the_remaining_seat_to_the_odd_one() {
        // 40 × 31 000 / 78 000 = 15,89… → 15 (odd) and 24,10… → 24: Paris gets the seat.
        let s = split(40, 31_000, 47_000).unwrap();
        assert_eq!((s.paris, s.national), (16, 24));
        assert_eq!(
            s.adjustment,
            Adjustment::NonInteger {
                to: Circonscription::Paris
            }
        );
        assert_eq!(s.paris_share.floor(), 15);
        // 40 × 29 000 / 78 000 = 14,87… → 14 (even) and 25,12… → 25 (odd): national.
        let s = split(40, 29_000, 49_000).unwrap();
        assert_eq!((s.paris, s.national), (14, 26));
    }

    #[test]
    fn odd_integer_shares_move_a_seat_to_the_smaller_circonscription() {
        // 40 × 13 / 40 = 13 and 27: Paris (smaller) takes one from the national.
        let s = split(40, 13, 27).unwrap();
        assert_eq!((s.paris, s.national), (14, 26));
        assert_eq!(
            s.adjustment,
            Adjustment::OddIntegers {
                from: Circonscription::National,
                to: Circonscription::Paris
            }
        );
        // And the other way round.
        let s = split(40, 27, 13).unwrap();
        assert_eq!((s.paris, s.national), (26, 14));
    }

    #[test]
    fn equal_odd_shares_are_an_error_the_decret_does_not_decide() {
        assert!(split(2, 5, 5).is_err());
        assert!(split(6, 5, 5).is_err());
    }

    #[test]
    fn an_odd_total_of_seats_is_rejected() {
        assert_eq!(split(41, 1, 1).unwrap_err().field, "seats");
    }

    proptest! {
        #[test]
        fn the_split_is_even_and_sums_to_the_seats(
            half in 1u32..60, paris in 0u64..200_000, national in 0u64..200_000,
        ) {
            prop_assume!(paris + national > 0);
            if let Ok(s) = split(half * 2, paris, national) {
                prop_assert_eq!(s.paris + s.national, half * 2);
                prop_assert_eq!(s.paris % 2, 0);
                prop_assert_eq!(s.national % 2, 0);
                // Never more than one seat away from the proportional share.
                prop_assert!(u64::from(s.paris) + 1 >= s.paris_share.floor());
                prop_assert!(u64::from(s.paris) <= s.paris_share.floor() + 1);
            }
        }
    }
}
