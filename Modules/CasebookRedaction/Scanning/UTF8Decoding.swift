// Fast conversion between Swift strings and scalar arrays / UTF-8 bytes (the hot path of every pass).

enum UTF8Decoding {
    /// The Unicode scalars of `text` as UInt32 values (a String's UTF-8 is always valid).
    static func scalars(of text: String) -> [UInt32] {
        var text = text
        return text.withUTF8 { bytes -> [UInt32] in
            let n = bytes.count
            return [UInt32](unsafeUninitializedCapacity: n) { out, count in
                var i = 0, o = 0
                while i < n {
                    let b0 = UInt32(bytes[i])
                    if b0 < 0x80 {
                        out[o] = b0
                        i += 1
                    } else if b0 < 0xE0 {
                        out[o] = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                        i += 2
                    } else if b0 < 0xF0 {
                        out[o] = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                        i += 3
                    } else {
                        out[o] = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                            | UInt32(bytes[i + 3] & 0x3F)
                        i += 4
                    }
                    o += 1
                }
                count = o
            }
        }
    }

    /// Byte offset in `bytes` of every scalar boundary reached while walking forward; used by masking.
    @inline(__always) static func isScalarStart(_ b: UInt8) -> Bool { b & 0xC0 != 0x80 }
}
