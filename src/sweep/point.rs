//! One point of a sweep's grid: its position in grid order, its stable id
//! and the value each swept parameter takes there.

use super::outcome::ParamValue;

/// A point of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// Position in grid order, from 0.
    pub index: usize,
    /// Derived from the point's values alone, so it survives adding values
    /// to a dimension or reordering dimensions.
    pub id: String,
    /// Each dimension's value, in the grid's dimension order; none where an
    /// included point leaves a parameter as the scenario has it.
    pub values: Vec<ParamValue>,
}

impl Point {
    /// The value of the parameter `name` at this point, if it sets one.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|param| param.name == name)
            .and_then(|param| param.value.as_deref())
    }
}
