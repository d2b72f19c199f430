// RawDeflate: raw deflate (RFC 1951, no zlib header) through the system zlib, for WinZip AES entries.

import CCasebookZlib
import Foundation

/// Raw deflate and a size-capped inflate, on system zlib (`windowBits = -15`), for the entries
/// of every bundle (the verifier reads plain bundles with it too, not with ZIPFoundation).
enum RawDeflate {
    /// Compresses `data` as one raw deflate stream (level 6).
    static func deflate(_ data: Data) throws(ExportError) -> Data {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ExportError(.compressionFailure, "zlib deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count)))
        var output = Data(count: bound)
        var input = data
        let produced: Int = input.withUnsafeMutableBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                stream.next_in = inBuffer.bindMemory(to: Bytef.self).baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(outBuffer.count)
                status = CCasebookZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw ExportError(.compressionFailure, "zlib deflate failed (\(status))") }
        output.count = produced
        return output
    }

    /// CRC-32 (ISO 3309, as zip uses it) of `data`, through zlib.
    static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { buffer in
            UInt32(CCasebookZlib.crc32(0, buffer.bindMemory(to: Bytef.self).baseAddress, uInt(buffer.count)))
        }
    }

    /// Inflates one raw deflate stream, failing with `.expansionLimitExceeded` as soon as the output
    /// would pass `limit` bytes (so a bomb never expands in memory), and with `.corruptEntry` when the
    /// stream is invalid, truncated or followed by extra bytes.
    static func inflate(_ data: Data, limit: Int, path: String) throws(ExportError) -> Data {
        var stream = z_stream()
        var status = inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ExportError(.corruptEntry, path: path, "zlib inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var input = data
        var failure: ExportError?
        input.withUnsafeMutableBytes { inBuffer in
            stream.next_in = inBuffer.bindMemory(to: Bytef.self).baseAddress
            stream.avail_in = uInt(inBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    status = CCasebookZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END {
                    failure = ExportError(.corruptEntry, path: path, "compressed data is invalid or truncated")
                    return
                }
                if output.count + produced > limit {
                    failure = ExportError(.expansionLimitExceeded, path: path, "entry expands beyond the limit")
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    failure = ExportError(.corruptEntry, path: path, "compressed data is truncated")
                    return
                }
            } while status != Z_STREAM_END
            if stream.avail_in != 0 {
                failure = ExportError(.corruptEntry, path: path, "bytes after the end of the compressed data")
            }
        }
        if let failure { throw failure }
        return output
    }
}
