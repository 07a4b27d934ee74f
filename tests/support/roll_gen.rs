//! A realistic, deterministic liste électorale in the documented CSV format, of any size: the
//! shape of a large barreau's export (accented names, quoted multi-line addresses with commas,
//! honoraires and omis, the bâtonnier, the vice-bâtonnier and the conseil, former functions,
//! French and ISO dates). Shared by `tests/roll_csv.rs` and `benches/roll_import.rs`.

const NOMS: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martínez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Müller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "de La Tour-d'Auvergne",
    "Lœwenbruck",
    "N'Diaye",
    "O'Neill",
    "Saint-Éloi",
];
const PRENOMS_F: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Hélène",
    "Chloé",
    "Léa",
    "Zoé",
    "Anaïs",
    "Noémie",
    "Agnès",
    "Béatrice",
    "Cécile",
    "Émilie",
];
const PRENOMS_M: &[&str] = &[
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "René",
    "Louis",
    "Noël",
    "Jérôme",
    "François",
    "Benoît",
    "Hervé",
    "Joël",
    "Raphaël",
    "Loïc",
    "Étienne",
];
const RUES: &[&str] = &[
    "rue de Rivoli",
    "boulevard Saint-Germain",
    "avenue de l'Opéra",
    "quai des Orfèvres",
    "rue du Faubourg Saint-Honoré",
    "place Dauphine",
    "rue de la Paix",
];

/// xorshift64*: deterministic data, not cryptography.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Header of the generated file (the twelve required columns and the two optional ones).
pub const HEADER: &str = "Numéro CNBF;Nom;Prénom;Sexe;Date de naissance;Date d'inscription au \
                          tableau;Date de serment;Barreau;Statut;Fonction ordinale;E-mail;Adresse \
                          postale;Anciennes fonctions;Mandats successifs";

/// What the generated roll must contain.
#[allow(dead_code)]
pub struct Expected {
    pub inscrits: u64,
    pub honoraires: u64,
    pub omis: u64,
    pub ordinal_electors: u64,
}

/// `n` electors (n ≥ 50) of the barreau de Paris, `;`-separated, CRLF line ends; every elector is
/// valid. Returns the text and the counts it must give.
pub fn paris_roll(n: usize) -> (String, Expected) {
    let mut rng = Rng(0x0005_EED0_FBA4_4EA0);
    let mut out = String::with_capacity(n * 200);
    out.push_str(HEADER);
    out.push_str("\r\n");
    let mut expected = Expected {
        inscrits: 0,
        honoraires: 0,
        omis: 0,
        ordinal_electors: 0,
    };
    for i in 0..n {
        let cnbf = 100_000 + i * 7;
        let female = rng.below(2) == 0;
        let nom = rng.pick(NOMS);
        let prenom = rng.pick(if female { PRENOMS_F } else { PRENOMS_M });
        let birth_year = 1940 + rng.below(60);
        let (bd, bm) = (1 + rng.below(28), 1 + rng.below(12));
        let oath_year = birth_year + 23 + rng.below(10);
        let oath_year = oath_year.min(2025);
        let (od, om) = (1 + rng.below(28), 1 + rng.below(12));
        // Functions: the first elector is bâtonnier, the second vice-bâtonnier, the next 42 the
        // conseil (Paris: 42 members).
        let (status, function) = match i {
            0 => ("inscrit", "bâtonnier"),
            1 => ("inscrit", "vice-bâtonnier"),
            2..=43 => ("inscrit", "membre du conseil"),
            _ => match rng.below(100) {
                0..=4 => ("honoraire", ""),
                5..=6 => ("omis", ""),
                _ => ("inscrit", ""),
            },
        };
        match status {
            "inscrit" => expected.inscrits += 1,
            "honoraire" => expected.honoraires += 1,
            _ => expected.omis += 1,
        }
        if function == "bâtonnier" || function == "membre du conseil" {
            expected.ordinal_electors += 1;
        }
        let former = match rng.below(200) {
            0 => "ancien membre du conseil",
            1 => "ancien bâtonnier | ancien membre du conseil",
            _ => "",
        };
        let mandates = if function.is_empty() {
            String::new()
        } else {
            (1 + rng.below(2)).to_string()
        };
        let email = if rng.below(10) == 0 {
            String::new()
        } else {
            format!(
                "{}.{}{}@avocat-paris.example",
                prenom.to_lowercase().replace(' ', ""),
                cnbf,
                if female { "f" } else { "m" }
            )
        };
        let address = format!(
            "\"Cabinet {nom}\r\n{}, {}\r\n750{:02} Paris\"",
            1 + rng.below(120),
            rng.pick(RUES),
            1 + rng.below(20)
        );
        // Dates mostly French, some ISO, as mixed exports have them.
        let date = |d: u64, m: u64, y: u64, iso: bool| {
            if iso {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{d:02}/{m:02}/{y:04}")
            }
        };
        let iso = i % 10 == 0;
        let nom_field = if nom.contains('\'') || i % 13 == 0 {
            format!("\"{nom}\"")
        } else {
            nom.to_string()
        };
        out.push_str(&format!(
            "{cnbf};{nom_field};{prenom};{};{};{};{};Paris;{status};{function};{email};{address};{former};{mandates}\r\n",
            if female { "F" } else { "M" },
            date(bd, bm, birth_year, iso),
            // Inscription a few days after the oath.
            date(od.min(20) + 5, om, oath_year, iso),
            date(od.min(20), om, oath_year, iso),
        ));
    }
    (out, expected)
}
