import Foundation
import Testing
import ZIPFoundation

enum ZIPFoundationHelpers {
    /// A zip holding a symbolic link entry pointing outside the extraction directory.
    static func archiveWithSymlink() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let target = Data("/etc/passwd".utf8)
        try archive.addEntry(with: "link", type: .symlink, uncompressedSize: Int64(target.count)) { position, size in
            target.subdata(in: Int(position)..<(Int(position) + size))
        }
        return try #require(archive.data)
    }
}
