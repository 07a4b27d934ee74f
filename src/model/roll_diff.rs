//! Differences between the liste électorale in force and a re-imported one, shown to the staff
//! before the new one replaces the old: electors added, removed, and changed field by field.

use super::cnbf::Cnbf;
use super::elector::{Elector, OrdinalFunction};
use super::roll::{Roll, RollCounts};
use super::roll_csv::{format_date_fr, status_word};
use std::collections::HashSet;
use std::fmt;

/// One field of an elector that changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// The column name of the CSV format (`"statut"`, `"e-mail"`…).
    pub field: &'static str,
    /// Value in the roll in force, as written in the CSV (empty when absent).
    pub before: String,
    /// Value in the new roll.
    pub after: String,
}

/// An elector present in both rolls with different data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ElectorChange {
    /// CNBF number.
    pub cnbf: Cnbf,
    /// « Nom Prénom » in the new roll.
    pub name: String,
    /// The changed fields, in column order.
    pub fields: Vec<FieldChange>,
}

/// Differences between two rolls.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RollDiff {
    /// Barreau of the roll in force.
    pub barreau_before: String,
    /// Barreau of the new roll.
    pub barreau_after: String,
    /// Electors only in the new roll, in its order.
    pub added: Vec<Elector>,
    /// Electors only in the roll in force, in its order.
    pub removed: Vec<Elector>,
    /// Electors in both with changes, in the new roll's order.
    pub changed: Vec<ElectorChange>,
    /// Electors identical in both.
    pub unchanged: usize,
    /// Counts of the roll in force.
    pub counts_before: RollCounts,
    /// Counts of the new roll.
    pub counts_after: RollCounts,
    /// Conseil size before (art. 4).
    pub conseil_size_before: Option<u32>,
    /// Conseil size after.
    pub conseil_size_after: Option<u32>,
}

impl RollDiff {
    /// True when the new roll is identical to the one in force (same electors, same data, same
    /// barreau; the order of the lines does not count).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.barreau_before == self.barreau_after
    }
}

/// The fields of an elector as the CSV writes them, with their column names.
fn fields(e: &Elector) -> [(&'static str, String); 14] {
    let former: Vec<&str> = e.former_functions.iter().map(|f| f.label()).collect();
    [
        ("numéro CNBF", e.cnbf.to_string()),
        ("nom", e.nom.clone()),
        ("prénom", e.prenom.clone()),
        ("sexe", e.sex.label().to_string()),
        ("date de naissance", format_date_fr(e.birth_date)),
        (
            "date d'inscription au tableau",
            format_date_fr(e.inscription_date),
        ),
        ("date de serment", format_date_fr(e.oath_date)),
        ("barreau", e.barreau.clone()),
        ("statut", status_word(e.status).to_string()),
        (
            "fonction ordinale",
            match e.function {
                OrdinalFunction::Aucune => String::new(),
                f => f.label().to_string(),
            },
        ),
        ("e-mail", e.email.clone().unwrap_or_default()),
        (
            "adresse postale",
            e.postal_address.clone().unwrap_or_default(),
        ),
        ("anciennes fonctions", former.join(" | ")),
        (
            "mandats successifs",
            e.successive_mandates
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// Compares the roll in force `old` with the re-imported `new`, elector by CNBF number.
pub fn diff(old: &Roll, new: &Roll) -> RollDiff {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut unchanged = 0;
    for e in new.electors() {
        match old.get(&e.cnbf) {
            None => added.push(e.clone()),
            Some(before) if before == e => unchanged += 1,
            Some(before) => {
                let fields: Vec<FieldChange> = fields(before)
                    .into_iter()
                    .zip(fields(e))
                    .filter(|((_, b), (_, a))| a != b)
                    .map(|((field, before), (_, after))| FieldChange {
                        field,
                        before,
                        after,
                    })
                    .collect();
                changed.push(ElectorChange {
                    cnbf: e.cnbf.clone(),
                    name: e.display_name(),
                    fields,
                });
            }
        }
    }
    let in_new: HashSet<&Cnbf> = new.electors().iter().map(|e| &e.cnbf).collect();
    let removed = old
        .electors()
        .iter()
        .filter(|e| !in_new.contains(&e.cnbf))
        .cloned()
        .collect();
    RollDiff {
        barreau_before: old.barreau().to_string(),
        barreau_after: new.barreau().to_string(),
        added,
        removed,
        changed,
        unchanged,
        counts_before: old.counts(),
        counts_after: new.counts(),
        conseil_size_before: old.conseil_size(),
        conseil_size_after: new.conseil_size(),
    }
}

fn shown(v: &str) -> String {
    if v.is_empty() {
        "(vide)".to_string()
    } else {
        format!("« {} »", v.replace('\n', " / "))
    }
}

fn size(s: Option<u32>) -> String {
    s.map_or_else(|| "aucun".to_string(), |n| format!("{n} membres"))
}

impl fmt::Display for RollDiff {
    /// French text for the staff, before they confirm the replacement.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return write!(
                f,
                "Aucune différence avec la liste électorale en vigueur ({} électeurs).",
                self.unchanged
            );
        }
        writeln!(f, "Différences avec la liste électorale en vigueur :")?;
        if self.barreau_before != self.barreau_after {
            writeln!(
                f,
                "  barreau : « {} » → « {} »",
                self.barreau_before, self.barreau_after
            )?;
        }
        writeln!(
            f,
            "  {} ajout(s), {} retrait(s), {} modification(s), {} électeur(s) inchangé(s)",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.unchanged
        )?;
        let (b, a) = (&self.counts_before, &self.counts_after);
        for (label, before, after) in [
            ("inscrits au tableau", b.inscrits, a.inscrits),
            ("avocats honoraires", b.honoraires, a.honoraires),
            ("omis du tableau", b.omis, a.omis),
            ("avocats disposant du droit de vote", b.voters, a.voters),
            (
                "électeurs du collège ordinal",
                b.ordinal_electors,
                a.ordinal_electors,
            ),
        ] {
            if before != after {
                writeln!(f, "  {label} : {before} → {after}")?;
            }
        }
        if self.conseil_size_before != self.conseil_size_after {
            writeln!(
                f,
                "  taille du conseil de l'ordre (décret art. 4) : {} → {}",
                size(self.conseil_size_before),
                size(self.conseil_size_after)
            )?;
        }
        let (ih_before, ih_after) = (b.inscrits_and_honoraires(), a.inscrits_and_honoraires());
        if (ih_before > 30) != (ih_after > 30) {
            writeln!(
                f,
                "  attention : inscrits et honoraires {ih_before} → {ih_after}, les candidatures au \
                 conseil de l'ordre passent {} (décret art. 5)",
                if ih_after > 30 {
                    "en binômes"
                } else {
                    "en candidatures individuelles"
                }
            )?;
        }
        if !self.added.is_empty() {
            writeln!(f, "Ajouts :")?;
            for e in &self.added {
                writeln!(
                    f,
                    "  + {} {} ({})",
                    e.cnbf,
                    e.display_name(),
                    e.status.label()
                )?;
            }
        }
        if !self.removed.is_empty() {
            writeln!(f, "Retraits :")?;
            for e in &self.removed {
                writeln!(
                    f,
                    "  - {} {} ({})",
                    e.cnbf,
                    e.display_name(),
                    e.status.label()
                )?;
            }
        }
        if !self.changed.is_empty() {
            writeln!(f, "Modifications :")?;
            for c in &self.changed {
                writeln!(f, "  ~ {} {}", c.cnbf, c.name)?;
                for fc in &c.fields {
                    writeln!(
                        f,
                        "      {} : {} → {}",
                        fc.field,
                        shown(&fc.before),
                        shown(&fc.after)
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::elector::tests::avocat;
    use crate::model::elector::{Sex, Status};

    fn roll(electors: Vec<Elector>) -> Roll {
        Roll::new("Valence", electors).unwrap()
    }

    #[test]
    fn identical_rolls_in_another_order_have_no_difference() {
        let a = avocat("101", "Abel", "Anne", Sex::F);
        let b = avocat("102", "Bardin", "Paul", Sex::M);
        let d = diff(&roll(vec![a.clone(), b.clone()]), &roll(vec![b, a]));
        assert!(d.is_empty());
        assert_eq!(d.unchanged, 2);
        assert_eq!(
            d.to_string(),
            "Aucune différence avec la liste électorale en vigueur (2 électeurs)."
        );
    }

    #[test]
    fn added_removed_and_changed_electors_are_listed_field_by_field() {
        let a = avocat("101", "Abel", "Anne", Sex::F);
        let b = avocat("102", "Bardin", "Paul", Sex::M);
        let c = avocat("103", "Chollet", "Léa", Sex::F);
        let mut b2 = b.clone();
        b2.status = Status::Omis;
        b2.email = Some("p.bardin@example.fr".into());
        let d = diff(&roll(vec![a.clone(), b]), &roll(vec![a, b2, c]));
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.removed.len(), 0);
        assert_eq!(
            d.changed,
            vec![ElectorChange {
                cnbf: Cnbf::parse("102").unwrap(),
                name: "Bardin Paul".into(),
                fields: vec![
                    FieldChange {
                        field: "statut",
                        before: "inscrit".into(),
                        after: "omis".into()
                    },
                    FieldChange {
                        field: "e-mail",
                        before: String::new(),
                        after: "p.bardin@example.fr".into()
                    },
                ],
            }]
        );
        assert_eq!(
            d.to_string(),
            "Différences avec la liste électorale en vigueur :\n\
             \x20 1 ajout(s), 0 retrait(s), 1 modification(s), 1 électeur(s) inchangé(s)\n\
             \x20 omis du tableau : 0 → 1\n\
             Ajouts :\n\
             \x20 + 103 Chollet Léa (inscrit au tableau)\n\
             Modifications :\n\
             \x20 ~ 102 Bardin Paul\n\
             \x20     statut : « inscrit » → « omis »\n\
             \x20     e-mail : (vide) → « p.bardin@example.fr »\n"
        );
    }

    #[test]
    fn a_removed_elector_and_the_crossing_of_the_thirty_threshold_are_reported() {
        let many: Vec<Elector> = (0..31)
            .map(|i| avocat(&format!("{}", 200 + i), &format!("Nom{i}"), "X", Sex::M))
            .collect();
        let fewer = many[..30].to_vec();
        let d = diff(&roll(many), &roll(fewer));
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].cnbf.as_str(), "230");
        let text = d.to_string();
        assert!(
            text.contains("  - 230 Nom30 X (inscrit au tableau)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "attention : inscrits et honoraires 31 → 30, les candidatures au conseil de \
                 l'ordre passent en candidatures individuelles (décret art. 5)"
            ),
            "{text}"
        );
    }
}
