//! Kubernetes resource quantities (`500m`, `0.5`, `1Gi`, `1024Mi`, `1e3`), compared by
//! value as the API server canonicalises them.

use serde_json::Value;

/// An exact quantity: `mantissa × 10^exponent`, normalised so equal values are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
}

impl Quantity {
    /// Parses the quantity grammar of `k8s.io/apimachinery/pkg/api/resource`: a signed
    /// decimal, then a binary suffix (`Ki` … `Ei`), a decimal suffix (`n u m k M G T P E`)
    /// or an exponent (`e3`, `E-2`). `None` when it is not a quantity or overflows.
    pub fn parse(s: &str) -> Option<Quantity> {
        let s = s.trim();
        let (negative, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(num_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        let mut mantissa: i128 = 0;
        for c in int_part.chars().chain(frac_part.chars()) {
            let digit = i128::from(c.to_digit(10)?);
            mantissa = mantissa.checked_mul(10)?.checked_add(digit)?;
        }
        let mut exponent = -i32::try_from(frac_part.len()).ok()?;
        match suffix {
            "" => {}
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 1,
                    "Mi" => 2,
                    "Gi" => 3,
                    "Ti" => 4,
                    "Pi" => 5,
                    _ => 6,
                };
                mantissa = mantissa.checked_mul(1024i128.checked_pow(power)?)?;
            }
            "n" => exponent -= 9,
            "u" => exponent -= 6,
            "m" => exponent -= 3,
            "k" => exponent += 3,
            "M" => exponent += 6,
            "G" => exponent += 9,
            "T" => exponent += 12,
            "P" => exponent += 15,
            "E" => exponent += 18,
            other => {
                let digits = other.strip_prefix(['e', 'E'])?;
                let e: i32 = digits.parse().ok()?;
                if !(-100..=100).contains(&e) {
                    return None;
                }
                exponent += e;
            }
        }
        if negative {
            mantissa = -mantissa;
        }
        Some(Quantity { mantissa, exponent }.normalised())
    }

    /// A quantity from a JSON value: a string, or a number (`cpu: 1`).
    pub fn from_value(v: &Value) -> Option<Quantity> {
        match v {
            Value::String(s) => Quantity::parse(s),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    fn normalised(mut self) -> Quantity {
        if self.mantissa == 0 {
            return Quantity {
                mantissa: 0,
                exponent: 0,
            };
        }
        while self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.exponent += 1;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).expect("test quantities are valid")
    }

    #[test]
    fn equal_values_written_differently_are_equal() {
        assert_eq!(q("500m"), q("0.5"));
        assert_eq!(q("1Gi"), q("1024Mi"));
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("1k"), q("1e3"));
        assert_eq!(q("0"), q("0Gi"));
        assert_ne!(q("1G"), q("1Gi"));
        assert_ne!(q("100m"), q("0.2"));
    }

    #[test]
    fn non_quantities_are_refused() {
        for s in ["", "abc", "1.2.3", "1Xi", "--1", "."] {
            assert!(Quantity::parse(s).is_none(), "{s}");
        }
    }
}
