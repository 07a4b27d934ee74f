//! Number of voices of each elector of the CNB collège ordinal (décret art. 25).
//!
//! > « chaque bâtonnier de la circonscription nationale détermine et communique au président, pour
//! > le collège ordinal de son barreau, le nombre de voix dont dispose chaque électeur en divisant
//! > le nombre d'avocats disposant du droit de vote au 1er janvier de l'année du scrutin par le
//! > nombre d'électeurs, le quotient étant arrondi au nombre entier inférieur. Chaque électeur
//! > dispose de deux bulletins de vote portant le nombre de voix dont il dispose. »
//! >
//! > « Dans la circonscription de Paris, chaque électeur du collège ordinal dispose de deux
//! > bulletins de vote portant une voix. »

use super::circonscription::Circonscription;

/// Why no weight can be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrdinalWeightError {
    /// The barreau has no bâtonnier nor conseil member: division by zero.
    #[error(
        "barreau {barreau} : aucun électeur du collège ordinal (bâtonnier, membres du conseil de \
         l'ordre), le nombre de voix ne peut être calculé (décret art. 25)"
    )]
    NoOrdinalElector {
        /// The barreau.
        barreau: String,
    },
    /// Fewer voters than ordinal electors: the quotient would be zero, which the figures make
    /// impossible (every ordinal elector has the right to vote).
    #[error(
        "barreau {barreau} : {voters} avocats disposant du droit de vote au 1er janvier pour \
         {ordinal_electors} électeurs du collège ordinal, quotient nul (décret art. 25) : chiffres \
         incohérents"
    )]
    ZeroQuotient {
        /// The barreau.
        barreau: String,
        /// Avocats disposant du droit de vote au 1er janvier.
        voters: u64,
        /// Electors of the collège ordinal.
        ordinal_electors: u64,
    },
}

/// Voices carried by each of the two ballots of an ordinal elector of `barreau`:
/// `floor(voters_on_january_first / ordinal_electors)` in the national circonscription, 1 in Paris.
pub fn ordinal_weight(
    barreau: &str,
    circonscription: Circonscription,
    voters_on_january_first: u64,
    ordinal_electors: u64,
) -> Result<u64, OrdinalWeightError> {
    if ordinal_electors == 0 {
        return Err(OrdinalWeightError::NoOrdinalElector {
            barreau: barreau.to_string(),
        });
    }
    if circonscription == Circonscription::Paris {
        return Ok(1);
    }
    // Integer division is the décret's « arrondi au nombre entier inférieur ».
    let weight = voters_on_january_first / ordinal_electors;
    if weight == 0 {
        return Err(OrdinalWeightError::ZeroQuotient {
            barreau: barreau.to_string(),
            voters: voters_on_january_first,
            ordinal_electors,
        });
    }
    Ok(weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quotient_is_rounded_down() {
        // 250 voters, 19 ordinal electors (bâtonnier + 18): 13.157… → 13.
        assert_eq!(
            ordinal_weight("Valence", Circonscription::Nationale, 250, 19),
            Ok(13)
        );
    }

    #[test]
    fn an_exact_quotient_is_kept() {
        assert_eq!(
            ordinal_weight("X", Circonscription::Nationale, 190, 19),
            Ok(10)
        );
    }

    #[test]
    fn a_quotient_just_below_the_next_integer_is_still_rounded_down() {
        assert_eq!(
            ordinal_weight("X", Circonscription::Nationale, 189, 19),
            Ok(9)
        );
    }

    #[test]
    fn paris_electors_carry_one_voice() {
        assert_eq!(
            ordinal_weight("Paris", Circonscription::Paris, 32_000, 43),
            Ok(1)
        );
    }

    #[test]
    fn a_barreau_without_ordinal_elector_is_an_error() {
        assert_eq!(
            ordinal_weight("Valence", Circonscription::Nationale, 250, 0)
                .unwrap_err()
                .to_string(),
            "barreau Valence : aucun électeur du collège ordinal (bâtonnier, membres du conseil de \
             l'ordre), le nombre de voix ne peut être calculé (décret art. 25)"
        );
    }

    #[test]
    fn more_ordinal_electors_than_voters_is_an_error() {
        assert!(matches!(
            ordinal_weight("X", Circonscription::Nationale, 3, 4),
            Err(OrdinalWeightError::ZeroQuotient { .. })
        ));
    }

    #[test]
    fn large_barreaux_do_not_overflow() {
        assert_eq!(
            ordinal_weight("X", Circonscription::Nationale, u64::MAX, 1),
            Ok(u64::MAX)
        );
    }
}
