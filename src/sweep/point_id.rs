//! A point's stable id: 12 lowercase hex digits, the top 48 bits of the
//! 64-bit FNV-1a hash of the point's set values written as `name=value\n`
//! lines sorted by name. Values a point leaves unset (an included point's
//! missing parameters) take no part, so the id depends on the values alone:
//! it survives adding values to another dimension and reordering dimensions.

use super::outcome::ParamValue;

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The id of the point with these values.
pub fn point_id(values: &[ParamValue]) -> String {
    let mut lines: Vec<(&str, &str)> = values
        .iter()
        .filter_map(|param| param.value.as_deref().map(|value| (param.name.as_str(), value)))
        .collect();
    lines.sort_unstable();
    let mut hash = FNV_OFFSET_BASIS;
    for (name, value) in lines {
        for part in [name.as_bytes(), b"=", value.as_bytes(), b"\n"] {
            hash = fnv1a(hash, part);
        }
    }
    format!("{:012x}", hash >> 16)
}

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, value: Option<&str>) -> ParamValue {
        ParamValue {
            name: name.into(),
            value: value.map(str::to_owned),
        }
    }

    // Expected ids computed apart from this code, with:
    // python3 -c "
    // def f(s):
    //   h=0xcbf29ce484222325
    //   for b in s.encode(): h=((h^b)*0x100000001b3)%2**64
    //   return '%012x'%(h>>16)
    // print(f('keep_alive_s=60\nmemory_mb=128\n'), f('memory_mb=128\n'), f(''),
    //       f('Lambda 512.memory_mb=1024\nplatform=aws-lambda-2025\ntraffic=0.5\n'))"
    // -> 5fa61ebbaecd 82ce0e8993d6 cbf29ce48422 878450de766b

    #[test]
    fn ids_match_fnv1a_computed_independently() {
        let values = [param("memory_mb", Some("128")), param("keep_alive_s", Some("60"))];
        assert_eq!(point_id(&values), "5fa61ebbaecd");
        let three = [
            param("traffic", Some("0.5")),
            param("Lambda 512.memory_mb", Some("1024")),
            param("platform", Some("aws-lambda-2025")),
        ];
        assert_eq!(point_id(&three), "878450de766b");
        // No values: the offset basis alone, 0xcbf29ce484222325 >> 16.
        assert_eq!(point_id(&[]), "cbf29ce48422");
    }

    #[test]
    fn order_does_not_matter_and_unset_values_take_no_part() {
        let reordered = [param("keep_alive_s", Some("60")), param("memory_mb", Some("128"))];
        assert_eq!(point_id(&reordered), "5fa61ebbaecd");
        let with_unset = [param("keep_alive_s", None), param("memory_mb", Some("128"))];
        assert_eq!(point_id(&with_unset), "82ce0e8993d6");
    }
}
