// ZipDirectory: reads the end record and central directory of a zip (no zip64), to tell an
// encrypted bundle from a plain one and to frame the WinZip AES entries.

import Foundation

/// One central-directory entry, as much of it as the WinZip AES reader needs.
struct ZipDirectoryEntry {
    var path: String
    var flags: UInt16
    var method: UInt16
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    var versionMadeBy: UInt16
    var externalAttributes: UInt32
    var extra: [UInt8]
    /// CRC-32 of the uncompressed data, as the central directory states it.
    var crc32: UInt32 = 0

    var isEncrypted: Bool { flags & ZipRecord.flagEncrypted != 0 }

    /// True when the entry is a symbolic link or directory (Unix mode in the external attributes, or a trailing slash).
    var isNotRegularFile: Bool {
        if path.hasSuffix("/") { return true }
        let mode = externalAttributes >> 16
        let type = mode & 0o170000
        return (versionMadeBy >> 8) == 3 && type != 0 && type != 0o100000
    }
}

enum ZipDirectory {
    /// Parses the central directory of `bytes`.
    static func entries(_ bytes: [UInt8], limits: BundleLimits) throws(ExportError) -> [ZipDirectoryEntry] {
        let endOffset = try findEndRecord(bytes)
        var end = ByteReader(bytes, offset: endOffset + 4)
        let disk = try end.u16()
        let centralDisk = try end.u16()
        let countOnDisk = try end.u16()
        let count = try end.u16()
        let size = Int(try end.u32())
        let offset = Int(try end.u32())
        if disk != 0 || centralDisk != 0 || countOnDisk != count {
            throw ExportError(.unsupportedArchive, "multi-disk archives are not bundles")
        }
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ExportError(.unsupportedArchive, "zip64 archives are not bundles")
        }
        if Int(count) > limits.maxEntries {
            throw ExportError(.expansionLimitExceeded, "more than \(limits.maxEntries) entries")
        }
        guard offset + size <= endOffset else { throw ExportError(.notAnArchive, "the central directory is out of bounds") }
        var reader = ByteReader(bytes, offset: offset)
        var result: [ZipDirectoryEntry] = []
        for _ in 0..<count {
            guard try reader.u32() == ZipRecord.centralHeader else {
                throw ExportError(.notAnArchive, "the central directory is corrupt")
            }
            let madeBy = try reader.u16()
            _ = try reader.u16()  // version needed
            let flags = try reader.u16()
            let method = try reader.u16()
            _ = try reader.u32()  // time, date
            let crc = try reader.u32()
            let compressed = Int(try reader.u32())
            let uncompressed = Int(try reader.u32())
            let nameLength = Int(try reader.u16())
            let extraLength = Int(try reader.u16())
            let commentLength = Int(try reader.u16())
            _ = try reader.u16()  // disk start
            _ = try reader.u16()  // internal attributes
            let external = try reader.u32()
            let local = Int(try reader.u32())
            let name = try reader.take(nameLength)
            let extra = Array(try reader.take(extraLength))
            _ = try reader.take(commentLength)
            guard let path = String(validating: name, as: UTF8.self) else {
                throw ExportError(.unsafePath, "an entry name is not valid UTF-8")
            }
            try checkFraming(bytes, localHeaderOffset: local, compressedSize: compressed, centralDirectoryOffset: offset)
            result.append(
                ZipDirectoryEntry(
                    path: path, flags: flags, method: method, compressedSize: compressed, uncompressedSize: uncompressed,
                    localHeaderOffset: local, versionMadeBy: madeBy, externalAttributes: external, extra: extra, crc32: crc))
        }
        return result
    }

    /// An entry's local header, name, extra field and data lie inside the archive, before the
    /// central directory. ZIPFoundation's in-memory reader (used for plain bundles) traps on an
    /// offset past the end instead of throwing (found by `fuzz-export`, docs/fuzzing.md).
    static func checkFraming(_ bytes: [UInt8], localHeaderOffset local: Int, compressedSize: Int,
                             centralDirectoryOffset: Int) throws(ExportError) {
        let fixed = 30  // the local header's fixed part; its name and extra lengths are at 26 and 28
        guard local >= 0, local + fixed <= centralDirectoryOffset else {
            throw ExportError(.notAnArchive, "an entry's local header is out of bounds")
        }
        let nameLength = Int(bytes[local + 26]) | Int(bytes[local + 27]) << 8
        let extraLength = Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8
        guard local + fixed + nameLength + extraLength + compressedSize <= centralDirectoryOffset else {
            throw ExportError(.notAnArchive, "an entry's data is out of bounds")
        }
    }

    /// Offset of the end-of-central-directory record, searched backwards over the last 64 KiB + 22 bytes.
    static func findEndRecord(_ bytes: [UInt8]) throws(ExportError) -> Int {
        guard bytes.count >= 22 else { throw ExportError(.notAnArchive, "not a zip archive") }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var offset = bytes.count - 22
        while offset >= lowest {
            if bytes[offset] == 0x50, bytes[offset + 1] == 0x4B, bytes[offset + 2] == 0x05, bytes[offset + 3] == 0x06 {
                if offset >= 20, bytes[offset - 20] == 0x50, bytes[offset - 19] == 0x4B, bytes[offset - 18] == 0x06,
                    bytes[offset - 17] == 0x07
                {
                    throw ExportError(.unsupportedArchive, "zip64 archives are not bundles")
                }
                return offset
            }
            offset -= 1
        }
        throw ExportError(.notAnArchive, "not a zip archive")
    }
}
