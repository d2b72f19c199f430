// WinZipAESReader: reads the entries of a WinZip AES zip, checking the password verifier and the
// HMAC before decrypting, and inflating with a hard cap on the expanded size.

import Foundation

enum WinZipAESReader {
    /// Every entry of an AES bundle in archive order (duplicates kept), decrypted and inflated.
    static func read(
        _ bytes: [UInt8], directory: [ZipDirectoryEntry], password: BundlePassword, limits: BundleLimits
    ) throws(ExportError) -> [(path: String, data: Data)] {
        var result: [(path: String, data: Data)] = []
        var used = 0
        for entry in directory {
            guard entry.isEncrypted, entry.method == ZipRecord.methodAES else {
                throw ExportError(.unencryptedEntry, path: entry.path, "a plain entry inside an encrypted bundle")
            }
            let actualMethod = try aesMethod(entry)
            let data = try payload(bytes, entry: entry)
            let saltLength = WinZipAES.saltLength
            let fixed = saltLength + WinZipAES.verifierLength + WinZipAES.macLength
            guard data.count >= fixed else { throw ExportError(.corruptEntry, path: entry.path, "entry too short") }
            let salt = Array(data[data.startIndex..<(data.startIndex + saltLength)])
            let verifier = Array(data[(data.startIndex + saltLength)..<(data.startIndex + saltLength + 2)])
            var ciphertext = Array(data[(data.startIndex + saltLength + 2)..<(data.endIndex - WinZipAES.macLength)])
            let mac = Array(data[(data.endIndex - WinZipAES.macLength)...])
            let aes: WinZipAES
            do { aes = try WinZipAES(password: password, salt: salt) } catch {
                throw ExportError(.corruptEntry, path: entry.path, "key derivation failed")
            }
            guard constantTimeEqual(aes.verifier, verifier) else {
                throw ExportError(.wrongPassword, path: entry.path, "wrong password")
            }
            guard constantTimeEqual(aes.authenticationCode(ciphertext), mac) else {
                throw ExportError(.authenticationFailed, path: entry.path, "authentication failed: wrong password or altered data")
            }
            do { try aes.applyKeystream(&ciphertext) } catch {
                throw ExportError(.corruptEntry, path: entry.path, "decryption failed")
            }
            let cap = limits.entryCap(compressedSize: ciphertext.count, used: used)
            let plain: Data
            switch actualMethod {
            case ZipRecord.methodDeflate:
                plain = try RawDeflate.inflate(Data(ciphertext), limit: cap, path: entry.path)
            case ZipRecord.methodStored:
                guard ciphertext.count <= cap else {
                    throw ExportError(.expansionLimitExceeded, path: entry.path, "entry expands beyond the limit")
                }
                plain = Data(ciphertext)
            default:
                throw ExportError(.unsupportedArchive, path: entry.path, "unknown compression method \(actualMethod)")
            }
            guard plain.count == entry.uncompressedSize else {
                throw ExportError(.corruptEntry, path: entry.path, "expanded size differs from the archive's header")
            }
            used += plain.count
            result.append((entry.path, plain))
        }
        return result
    }

    /// The actual compression method from the 0x9901 extra field; only AES-256 is accepted.
    static func aesMethod(_ entry: ZipDirectoryEntry) throws(ExportError) -> UInt16 {
        var reader = ByteReader(entry.extra)
        while reader.offset + 4 <= entry.extra.count {
            let id = try reader.u16()
            let size = Int(try reader.u16())
            let body = try reader.take(size)
            guard id == ZipRecord.aesExtraFieldID else { continue }
            guard size == 7 else { break }
            var field = ByteReader(Array(body))
            let version = try field.u16()
            let vendor = Array(try field.take(2))
            let strength = try field.take(1).first
            let method = try field.u16()
            guard version == 1 || version == 2, vendor == [0x41, 0x45] else { break }
            guard strength == WinZipAES.strength else {
                throw ExportError(.unsupportedArchive, path: entry.path, "only AES-256 bundles are accepted")
            }
            return method
        }
        throw ExportError(.unsupportedArchive, path: entry.path, "missing or invalid WinZip AES extra field")
    }

    /// The stored bytes of an entry, located through its local header.
    static func payload(_ bytes: [UInt8], entry: ZipDirectoryEntry) throws(ExportError) -> ArraySlice<UInt8> {
        var local = ByteReader(bytes, offset: entry.localHeaderOffset)
        guard try local.u32() == ZipRecord.localHeader else {
            throw ExportError(.notAnArchive, path: entry.path, "local header missing")
        }
        _ = try local.take(22)
        let nameLength = Int(try local.u16())
        let extraLength = Int(try local.u16())
        let name = try local.take(nameLength)
        guard Array(name) == Array(entry.path.utf8) else {
            throw ExportError(.notAnArchive, path: entry.path, "local and central entry names differ")
        }
        _ = try local.take(extraLength)
        return try local.take(entry.compressedSize)
    }
}
