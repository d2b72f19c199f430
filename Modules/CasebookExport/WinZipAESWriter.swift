// WinZipAESWriter: writes a zip whose every entry is WinZip AE-2 AES-256 encrypted and deflated.

import Foundation

/// Builds a WinZip AES-256 (AE-2) zip in memory: for each entry a local header with compression
/// method 99 and the 0x9901 extra field (vendor version 2, "AE", strength 3, actual method 8),
/// then salt, password verifier, AES-CTR ciphertext of the raw deflate stream and the 10-byte
/// HMAC-SHA1; then the central directory and its end record. CRC-32 is 0 as AE-2 requires.
enum WinZipAESWriter {
    static func archive(entries: [(path: String, data: Data)], password: BundlePassword, modified: Date) throws -> Data {
        guard entries.count < Int(UInt16.max) else {
            throw ExportError(.unsupportedArchive, "too many entries for a zip without zip64")
        }
        let (dosTime, dosDate) = ZipRecord.dosDateTime(modified)
        let flags = ZipRecord.flagEncrypted | ZipRecord.flagUTF8
        var out = ByteWriter()
        var central = ByteWriter()
        for entry in entries {
            let name = Array(entry.path.utf8)
            let compressed = try RawDeflate.deflate(entry.data)
            let salt = WinZipAES.randomSalt()
            let aes = try WinZipAES(password: password, salt: salt)
            var payload = Array(compressed)
            try aes.applyKeystream(&payload)
            let mac = aes.authenticationCode(payload)
            let compressedSize = salt.count + aes.verifier.count + payload.count + mac.count
            guard out.bytes.count < Int(UInt32.max), compressedSize < Int(UInt32.max), entry.data.count < Int(UInt32.max)
            else { throw ExportError(.unsupportedArchive, path: entry.path, "entry too large for a zip without zip64") }
            let extra = aesExtraField()
            let localOffset = UInt32(out.bytes.count)

            out.u32(ZipRecord.localHeader)
            out.u16(ZipRecord.versionNeededAES)
            out.u16(flags)
            out.u16(ZipRecord.methodAES)
            out.u16(dosTime)
            out.u16(dosDate)
            out.u32(0)  // CRC-32: zero in AE-2
            out.u32(UInt32(compressedSize))
            out.u32(UInt32(entry.data.count))
            out.u16(UInt16(name.count))
            out.u16(UInt16(extra.count))
            out.append(name)
            out.append(extra)
            out.append(salt)
            out.append(aes.verifier)
            out.append(payload)
            out.append(mac)

            central.u32(ZipRecord.centralHeader)
            central.u16(ZipRecord.versionMadeBy)
            central.u16(ZipRecord.versionNeededAES)
            central.u16(flags)
            central.u16(ZipRecord.methodAES)
            central.u16(dosTime)
            central.u16(dosDate)
            central.u32(0)
            central.u32(UInt32(compressedSize))
            central.u32(UInt32(entry.data.count))
            central.u16(UInt16(name.count))
            central.u16(UInt16(extra.count))
            central.u16(0)  // comment length
            central.u16(0)  // disk number start
            central.u16(0)  // internal attributes
            central.u32(ZipRecord.externalAttributesFile)
            central.u32(localOffset)
            central.append(name)
            central.append(extra)
        }
        let centralOffset = out.bytes.count
        guard centralOffset + central.bytes.count < Int(UInt32.max) else {
            throw ExportError(.unsupportedArchive, "archive too large for a zip without zip64")
        }
        out.append(central.bytes)
        out.u32(ZipRecord.endOfCentralDirectory)
        out.u16(0)  // this disk
        out.u16(0)  // disk with the central directory
        out.u16(UInt16(entries.count))
        out.u16(UInt16(entries.count))
        out.u32(UInt32(central.bytes.count))
        out.u32(UInt32(centralOffset))
        out.u16(0)  // comment length
        return Data(out.bytes)
    }

    /// The 0x9901 extra field: vendor version 2 (AE-2), vendor id "AE", strength 3 (AES-256), actual method 8.
    static func aesExtraField() -> [UInt8] {
        var field = ByteWriter()
        field.u16(ZipRecord.aesExtraFieldID)
        field.u16(7)
        field.u16(2)
        field.append([0x41, 0x45])
        field.append([WinZipAES.strength])
        field.u16(ZipRecord.methodDeflate)
        return field.bytes
    }
}
