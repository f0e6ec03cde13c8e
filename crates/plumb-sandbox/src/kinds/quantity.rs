//! Resource quantities (`k8s.io/apimachinery/pkg/api/resource`): parsed as `ParseQuantity`
//! does and written back in the canonical form the apiserver serialises, so that `cpu: 0.5`
//! reads back as `500m`, `memory: 1024Mi` as `1Gi` and `cpu: 1` (a JSON number) as `"1"`.

use std::cmp::Ordering;

/// How a quantity was written, which decides how it is written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, … suffixes.
    BinarySi,
    /// `m`, `k`, `M`, … suffixes or none.
    DecimalSi,
    /// `e3` exponents.
    DecimalExponent,
}

/// An exact quantity: `mantissa × 10^scale`, with its sign and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    negative: bool,
    mantissa: u128,
    scale: i32,
    format: Format,
}

/// A string that is not a quantity; the message is apimachinery's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)]
pub struct QuantityError;

const MAX_DIGITS: usize = 30;

fn pow10(n: u32) -> Option<u128> {
    10u128.checked_pow(n)
}

impl Quantity {
    /// Parses `500m`, `1.5Gi`, `2e3`, `-1`, rounding non-zero values up to nano precision.
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        let s = s.trim();
        let (negative, rest) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(num_end);
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') {
            return Err(QuantityError);
        }
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > MAX_DIGITS {
            return Err(QuantityError);
        }
        let mut mantissa: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| QuantityError)?
        };
        let mut scale = -(frac_part.len() as i32);
        let format = match suffix {
            "" => Format::DecimalSi,
            "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
                scale += match suffix {
                    "n" => -9,
                    "u" => -6,
                    "m" => -3,
                    "k" => 3,
                    "M" => 6,
                    "G" => 9,
                    "T" => 12,
                    "P" => 15,
                    _ => 18,
                };
                Format::DecimalSi
            }
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 10,
                    "Mi" => 20,
                    "Gi" => 30,
                    "Ti" => 40,
                    "Pi" => 50,
                    _ => 60,
                };
                mantissa = mantissa
                    .checked_shl(power)
                    .filter(|m| m >> power == mantissa)
                    .ok_or(QuantityError)?;
                Format::BinarySi
            }
            _ => {
                let exp = suffix.strip_prefix(['e', 'E']).ok_or(QuantityError)?;
                let exp: i32 = exp.parse().map_err(|_| QuantityError)?;
                scale += exp;
                Format::DecimalExponent
            }
        };
        let mut q = Self {
            negative,
            mantissa,
            scale,
            format,
        };
        q.round_up(-9);
        if q.format == Format::BinarySi && q.cmp_abs_one() == Ordering::Less && q.mantissa != 0 {
            q.format = Format::DecimalSi;
        }
        Ok(q)
    }

    fn cmp_abs_one(&self) -> Ordering {
        Self {
            negative: false,
            ..*self
        }
        .cmp_value(&Self {
            negative: false,
            mantissa: 1,
            scale: 0,
            format: Format::DecimalSi,
        })
    }

    /// Rounds away from zero so that `scale` is at least `min_scale` (`RoundUp`).
    pub fn round_up(&mut self, min_scale: i32) {
        if self.scale >= min_scale || self.mantissa == 0 {
            return;
        }
        let drop = (min_scale - self.scale) as u32;
        match pow10(drop) {
            Some(p) => {
                let (q, r) = (self.mantissa / p, self.mantissa % p);
                self.mantissa = q + u128::from(r != 0);
            }
            None => self.mantissa = 1,
        }
        self.scale = min_scale;
    }

    /// The sum of two non-negative quantities (saturating), in `self`'s format.
    pub fn add(&self, other: &Self) -> Self {
        let scale = self.scale.min(other.scale);
        let widen = |q: &Self| {
            pow10((q.scale - scale) as u32)
                .and_then(|p| q.mantissa.checked_mul(p))
                .unwrap_or(u128::MAX)
        };
        Self {
            negative: false,
            mantissa: widen(self).saturating_add(widen(other)),
            scale,
            format: self.format,
        }
    }

    /// Compares two quantities by value.
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        let signed = |q: &Self| {
            if q.mantissa == 0 {
                0
            } else if q.negative {
                -1
            } else {
                1
            }
        };
        let (a, b) = (signed(self), signed(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let scale = self.scale.min(other.scale);
        let widen =
            |q: &Self| pow10((q.scale - scale) as u32).and_then(|p| q.mantissa.checked_mul(p));
        let ord = match (widen(self), widen(other)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        if a < 0 { ord.reverse() } else { ord }
    }

    /// The canonical text (`CanonicalizeBytes`), as the apiserver serialises quantities.
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".to_owned();
        }
        let sign = if self.negative { "-" } else { "" };
        let mut format = self.format;
        if format == Format::BinarySi {
            let below_1024 = self.cmp_value(&Self {
                negative: false,
                mantissa: 1024,
                scale: 0,
                format,
            }) == Ordering::Less;
            if below_1024 || self.integer().is_none() {
                format = Format::DecimalSi;
            }
        }
        if format == Format::BinarySi {
            let mut n = self.integer().unwrap_or(0);
            let mut power = 0;
            while n.is_multiple_of(1024) && power < 6 {
                n /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return format!("{sign}{n}{suffix}");
        }
        let mut m = self.mantissa;
        let mut e = self.scale;
        while m.is_multiple_of(10) {
            m /= 10;
            e += 1;
        }
        match e.rem_euclid(3) {
            1 => {
                m *= 10;
                e -= 1;
            }
            2 => {
                m *= 100;
                e -= 2;
            }
            _ => {}
        }
        let suffix = if format == Format::DecimalExponent {
            if e == 0 {
                String::new()
            } else {
                format!("e{e}")
            }
        } else {
            match e {
                -9 => "n".to_owned(),
                -6 => "u".to_owned(),
                -3 => "m".to_owned(),
                0 => String::new(),
                3 => "k".to_owned(),
                6 => "M".to_owned(),
                9 => "G".to_owned(),
                12 => "T".to_owned(),
                15 => "P".to_owned(),
                18 => "E".to_owned(),
                e => format!("e{e}"),
            }
        };
        format!("{sign}{m}{suffix}")
    }

    /// The value as an integer when it has no fractional part.
    fn integer(&self) -> Option<u128> {
        if self.scale >= 0 {
            pow10(self.scale as u32).and_then(|p| self.mantissa.checked_mul(p))
        } else {
            let p = pow10((-self.scale) as u32)?;
            self.mantissa.is_multiple_of(p).then(|| self.mantissa / p)
        }
    }
}

/// The canonical form of a resource-list value as the apiserver returns it: parsed,
/// rounded up to milli precision (`SetDefaults_ResourceList`), canonicalised.
pub fn canonical_resource_quantity(text: &str) -> Result<String, QuantityError> {
    let mut q = Quantity::parse(text)?;
    q.round_up(-3);
    Ok(q.canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_resource_quantity(s).unwrap()
    }

    #[test]
    fn decimal_quantities_move_to_the_largest_exact_suffix() {
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("1.5"), "1500m");
        assert_eq!(canon("1000"), "1k");
        assert_eq!(canon("1000000000"), "1G");
        assert_eq!(canon("100m"), "100m");
        assert_eq!(canon("250m"), "250m");
        assert_eq!(canon("128974848"), "128974848");
        assert_eq!(canon("0"), "0");
        assert_eq!(canon("0.0"), "0");
        assert_eq!(canon("+1"), "1");
        assert_eq!(canon("-2"), "-2");
    }

    #[test]
    fn binary_quantities_keep_binary_suffixes() {
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("1536Mi"), "1536Mi");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("512Mi"), "512Mi");
        assert_eq!(canon("1Ki"), "1Ki");
        assert_eq!(canon("0.5Ki"), "512");
    }

    #[test]
    fn exponent_quantities_keep_exponents() {
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("1.5e3"), "1500");
        assert_eq!(canon("129e6"), "129e6");
    }

    #[test]
    fn sub_milli_values_round_up_to_one_milli() {
        assert_eq!(canon("0.0001"), "1m");
        assert_eq!(canon("100u"), "1m");
        assert_eq!(canon("1500u"), "2m");
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in ["", "abc", "1..2", "1Gb", "1e", "m"] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities_add_across_scales() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("1").add(&q("500m")).canonical(), "1500m");
        assert_eq!(q("1Gi").add(&q("1Gi")).canonical(), "2Gi");
    }

    #[test]
    fn quantities_compare_across_suffixes() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("500m").cmp_value(&q("0.5")), Ordering::Equal);
        assert_eq!(q("1Gi").cmp_value(&q("1G")), Ordering::Greater);
        assert_eq!(q("-1").cmp_value(&q("1m")), Ordering::Less);
    }
}
