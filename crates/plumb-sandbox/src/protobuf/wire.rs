//! The protobuf wire format: field keys, varints, fixed-width values and length-delimited
//! bytes. Decoding stops at the first malformed field.

/// A field's value as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum WireValue<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: strings, bytes, messages, packed repeated scalars.
    Bytes(&'a [u8]),
    /// Wire type 5.
    Fixed32(u32),
}

impl WireValue<'_> {
    /// The wire type number, for error messages.
    pub fn wire_type(&self) -> u8 {
        match self {
            WireValue::Varint(_) => 0,
            WireValue::Fixed64(_) => 1,
            WireValue::Bytes(_) => 2,
            WireValue::Fixed32(_) => 5,
        }
    }
}

/// What is wrong with the wire data; the decoder adds the message name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WireError {
    /// The data ends inside the field with this number (0: inside its key).
    Truncated(u32),
    /// A varint of the field runs past ten bytes.
    MalformedVarint(u32),
    /// A key with field number 0, or a wire type this format does not use (groups: 3, 4).
    InvalidKey(u64),
}

/// Iterates over the fields of one message.
pub(super) struct Fields<'a> {
    buf: &'a [u8],
    failed: bool,
}

impl<'a> Fields<'a> {
    /// The fields encoded in `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Fields { buf, failed: false }
    }

    fn field(&mut self) -> Result<(u32, WireValue<'a>), WireError> {
        let key = read_varint(&mut self.buf).map_err(|e| match e {
            WireError::MalformedVarint(_) => WireError::MalformedVarint(0),
            other => other,
        })?;
        let tag = u32::try_from(key >> 3).map_err(|_| WireError::InvalidKey(key))?;
        if tag == 0 {
            return Err(WireError::InvalidKey(key));
        }
        let at = |e: WireError| match e {
            WireError::Truncated(_) => WireError::Truncated(tag),
            WireError::MalformedVarint(_) => WireError::MalformedVarint(tag),
            other => other,
        };
        let value = match key & 7 {
            0 => WireValue::Varint(read_varint(&mut self.buf).map_err(at)?),
            1 => WireValue::Fixed64(u64::from_le_bytes(take_array(&mut self.buf).map_err(at)?)),
            2 => {
                let len = read_varint(&mut self.buf).map_err(at)?;
                let len = usize::try_from(len).map_err(|_| WireError::Truncated(tag))?;
                if len > self.buf.len() {
                    return Err(WireError::Truncated(tag));
                }
                let (bytes, rest) = self.buf.split_at(len);
                self.buf = rest;
                WireValue::Bytes(bytes)
            }
            5 => WireValue::Fixed32(u32::from_le_bytes(take_array(&mut self.buf).map_err(at)?)),
            _ => return Err(WireError::InvalidKey(key)),
        };
        Ok((tag, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, WireValue<'a>), WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() || self.failed {
            return None;
        }
        let item = self.field();
        self.failed = item.is_err();
        Some(item)
    }
}

/// Reads one base-128 varint from the front of `buf`.
pub(super) fn read_varint(buf: &mut &[u8]) -> Result<u64, WireError> {
    let mut value = 0u64;
    for (i, byte) in buf.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *buf = &buf[i + 1..];
            return Ok(value);
        }
    }
    if buf.len() < 10 {
        Err(WireError::Truncated(0))
    } else {
        Err(WireError::MalformedVarint(0))
    }
}

fn take_array<const N: usize>(buf: &mut &[u8]) -> Result<[u8; N], WireError> {
    let (head, rest) = buf
        .split_first_chunk::<N>()
        .ok_or(WireError::Truncated(0))?;
    *buf = rest;
    Ok(*head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_decode_little_endian_groups_of_seven_bits() {
        let mut buf: &[u8] = &[0xac, 0x02, 0x01];
        assert_eq!(read_varint(&mut buf), Ok(300));
        assert_eq!(buf, &[0x01]);
    }

    #[test]
    fn a_varint_cut_short_is_truncated() {
        let mut buf: &[u8] = &[0x80, 0x80];
        assert_eq!(read_varint(&mut buf), Err(WireError::Truncated(0)));
    }

    #[test]
    fn a_varint_longer_than_ten_bytes_is_malformed() {
        let mut buf: &[u8] = &[0xff; 11];
        assert_eq!(read_varint(&mut buf), Err(WireError::MalformedVarint(0)));
    }

    #[test]
    fn fields_yield_every_wire_type() {
        let buf = [
            0x08, 0x96, 0x01, // 1: varint 150
            0x12, 0x02, b'h', b'i', // 2: bytes "hi"
            0x19, 1, 0, 0, 0, 0, 0, 0, 0, // 3: fixed64 1
            0x25, 2, 0, 0, 0, // 4: fixed32 2
        ];
        let fields: Vec<_> = Fields::new(&buf).collect();
        assert_eq!(
            fields,
            vec![
                Ok((1, WireValue::Varint(150))),
                Ok((2, WireValue::Bytes(b"hi"))),
                Ok((3, WireValue::Fixed64(1))),
                Ok((4, WireValue::Fixed32(2))),
            ]
        );
    }

    #[test]
    fn a_length_past_the_end_names_the_truncated_field() {
        let fields: Vec<_> = Fields::new(&[0x3a, 0x05, b'a']).collect();
        assert_eq!(fields, vec![Err(WireError::Truncated(7))]);
    }

    #[test]
    fn group_wire_types_are_rejected() {
        let fields: Vec<_> = Fields::new(&[0x0b]).collect();
        assert_eq!(fields, vec![Err(WireError::InvalidKey(0x0b))]);
    }
}
