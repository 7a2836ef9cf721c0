//! The outcome of protection: what is hidden, and the only way to make a [`Disclosed`]
//! figure.

use serde::{Serialize, Serializer};

use super::Suppression;
use super::model::{Part, UnitId};

/// How much of a unit is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everything.
    Shown,
    /// The household counts, not the amounts.
    AmountsHidden(Suppression),
    /// Nothing.
    Hidden(Suppression),
}

impl Visibility {
    /// The reason the unit's row is (partly) hidden.
    pub fn reason(self) -> Option<Suppression> {
        match self {
            Visibility::Shown => None,
            Visibility::AmountsHidden(reason) | Visibility::Hidden(reason) => Some(reason),
        }
    }

    /// Whether a part of the unit is hidden.
    pub fn hides(self, part: Part) -> bool {
        match self {
            Visibility::Shown => false,
            Visibility::AmountsHidden(_) => part == Part::Amount,
            Visibility::Hidden(_) => true,
        }
    }

    fn rank(self) -> u8 {
        match self {
            Visibility::Shown => 0,
            Visibility::AmountsHidden(_) => 1,
            Visibility::Hidden(_) => 2,
        }
    }

    /// Hides at least `part` for `reason`; keeps the first reason of a part already hidden.
    /// Returns whether anything changed.
    pub(crate) fn raise(&mut self, part: Part, reason: Suppression) -> bool {
        let wanted = match part {
            Part::Count => Visibility::Hidden(reason),
            Part::Amount => Visibility::AmountsHidden(reason),
        };
        if wanted.rank() <= self.rank() {
            return false;
        }
        // Hiding the counts of a unit whose amounts are hidden keeps the amounts' reason.
        *self = match (*self, part) {
            (Visibility::AmountsHidden(first), Part::Count) => Visibility::Hidden(first),
            _ => wanted,
        };
        true
    }
}

/// What is published of every unit of a [`super::LinkedModel`]; made only by
/// [`super::protect`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub(crate) visibility: Vec<Visibility>,
    /// The minimum cell size, for means over part of a unit's households.
    pub(crate) min_cell_size: usize,
}

impl Pattern {
    /// How much of a unit is published.
    pub fn visibility(&self, unit: UnitId) -> Visibility {
        self.visibility[unit.index()]
    }

    /// A figure of one part of a unit: shown unless that part is hidden.
    pub fn disclose<T>(&self, unit: UnitId, part: Part, value: T) -> Disclosed<T> {
        self.disclose_from(&[(unit, part)], value)
    }

    /// A figure derived from parts of several units (a lift from a pair's count and both
    /// tags' counts): shown only if every one of them is shown. The reason is the first
    /// hidden one's.
    pub fn disclose_from<T>(&self, sources: &[(UnitId, Part)], value: T) -> Disclosed<T> {
        for &(unit, part) in sources {
            let visibility = self.visibility(unit);
            if visibility.hides(part) {
                let reason = visibility.reason().expect("a hidden part has a reason");
                return Disclosed(Inner::Hidden(reason));
            }
        }
        Disclosed(Inner::Shown(value))
    }

    /// A mean over `n` of a unit's households (satisfaction scores): shown when that part
    /// of the unit is, and when `n` is 0 or at least the minimum cell size.
    pub fn disclose_mean<T>(&self, unit: UnitId, part: Part, n: u64, value: T) -> Disclosed<T> {
        if n > 0 && n < self.min_cell_size as u64 {
            return Disclosed(Inner::Hidden(Suppression::SmallCell));
        }
        self.disclose(unit, part, value)
    }

    /// Units that are (partly) hidden.
    pub fn n_hidden(&self) -> usize {
        self.visibility
            .iter()
            .filter(|v| **v != Visibility::Shown)
            .count()
    }
}

/// A published figure: shown, or suppressed with its reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Disclosed<T>(Inner<T>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Inner<T> {
    Shown(T),
    Hidden(Suppression),
}

impl<T> Disclosed<T> {
    /// The value, when it is shown.
    pub fn shown(&self) -> Option<&T> {
        match &self.0 {
            Inner::Shown(value) => Some(value),
            Inner::Hidden(_) => None,
        }
    }

    /// The value, when it is shown.
    pub fn into_shown(self) -> Option<T> {
        match self.0 {
            Inner::Shown(value) => Some(value),
            Inner::Hidden(_) => None,
        }
    }

    /// Why the value is hidden, when it is.
    pub fn suppression(&self) -> Option<Suppression> {
        match self.0 {
            Inner::Shown(_) => None,
            Inner::Hidden(reason) => Some(reason),
        }
    }

    /// Whether the value is shown.
    pub fn is_shown(&self) -> bool {
        matches!(self.0, Inner::Shown(_))
    }

    /// A figure derived from this one alone, hidden alike.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Disclosed<U> {
        Disclosed(match self.0 {
            Inner::Shown(value) => Inner::Shown(f(value)),
            Inner::Hidden(reason) => Inner::Hidden(reason),
        })
    }

    /// A figure derived from this one and another, shown only when both are: it tells an
    /// outsider nothing the two do not.
    pub fn zip<U, V>(self, other: Disclosed<U>, f: impl FnOnce(T, U) -> V) -> Disclosed<V> {
        Disclosed(match (self.0, other.0) {
            (Inner::Shown(a), Inner::Shown(b)) => Inner::Shown(f(a, b)),
            (Inner::Hidden(reason), _) | (_, Inner::Hidden(reason)) => Inner::Hidden(reason),
        })
    }

    /// The value by reference.
    pub fn as_ref(&self) -> Disclosed<&T> {
        Disclosed(match &self.0 {
            Inner::Shown(value) => Inner::Shown(value),
            Inner::Hidden(reason) => Inner::Hidden(*reason),
        })
    }
}

impl<T> Disclosed<Option<T>> {
    /// Moves an optional value out: `None` when hidden or when there is no value.
    pub fn flatten(self) -> Option<T> {
        self.into_shown().flatten()
    }
}

/// Serialised as the value, or `null` when hidden.
impl<T: Serialize> Serialize for Disclosed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.shown().serialize(serializer)
    }
}
