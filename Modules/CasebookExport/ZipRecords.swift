// ZipRecords: little-endian byte helpers and the zip record signatures used by the WinZip AES framing.

import Foundation

/// Constants of the zip format (APPNOTE.TXT) used by the WinZip AES writer and reader.
enum ZipRecord {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    static let zip64EndOfCentralDirectoryLocator: UInt32 = 0x0706_4B50
    static let aesExtraFieldID: UInt16 = 0x9901
    static let methodStored: UInt16 = 0
    static let methodDeflate: UInt16 = 8
    static let methodAES: UInt16 = 99
    static let flagEncrypted: UInt16 = 0x0001
    static let flagUTF8: UInt16 = 0x0800
    /// Version 5.1: needed to extract WinZip AES entries.
    static let versionNeededAES: UInt16 = 51
    /// Made by Unix (3), spec version 6.3.
    static let versionMadeBy: UInt16 = (3 << 8) | 63
    /// Unix mode 0100644 in the high half of the external attributes.
    static let externalAttributesFile: UInt32 = 0o100644 << 16

    /// MS-DOS time and date of `date` in UTC (2-second resolution, years 1980–2107).
    static func dosDateTime(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = min(max((c.year ?? 1980) - 1980, 0), 127)
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16(year << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }
}

/// Appends little-endian integers and bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func append<Bytes: Sequence>(_ more: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: more)
    }
}

/// Reads little-endian integers from a byte array, failing (not trapping) past the end.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func u16() throws(ExportError) -> UInt16 {
        let b = Array(try take(2))
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    mutating func u32() throws(ExportError) -> UInt32 {
        let b = Array(try take(4))
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    mutating func take(_ count: Int) throws(ExportError) -> ArraySlice<UInt8> {
        guard count >= 0, offset >= 0, count <= bytes.count - offset else {
            throw ExportError(.notAnArchive, "the archive is truncated or corrupt")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
