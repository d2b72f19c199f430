import CasebookModels
import Foundation

/// Where a session note comes from when its text is not given in flags (issue 13): a file, standard
/// input (`-`), or the practitioner's editor.
///
/// The editor works on a file in memory-backed storage only — `$XDG_RUNTIME_DIR`, else `/dev/shm` —
/// in a private 0700 directory, the file 0600, removed afterwards with everything the editor left
/// beside it (vim's swap, emacs's backup). Like `pass`, it refuses rather than write a note to
/// disk when neither exists. vim and neovim are started without swap, backup, undo or viminfo.
enum NoteEditor {
    static func text(fromFile path: String) throws -> String {
        if path == "-" {
            var lines: [String] = []
            while let line = readLine(strippingNewline: false) { lines.append(line) }
            return lines.joined()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CasebookError(.invalidInput, "cannot read the note file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Opens `$VISUAL`, else `$EDITOR`, else `vi`, on `initial`; returns what was saved.
    static func edit(_ initial: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let base = try memoryDirectory(env)
        let dir = base.appendingPathComponent("casebook-note-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("session-note.txt")
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CasebookError(.storage, "cannot create the note file in \(base.path)") }
        let bytes = Array(initial.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CasebookError(.storage, "cannot write the note file in \(base.path)") }

        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
        var words = editor.split(separator: " ").map(String.init)
        let program = URL(fileURLWithPath: words.first ?? "vi").lastPathComponent
        if ["vi", "vim", "nvim", "gvim", "view"].contains(program) {
            words += ["-n", "-i", "NONE", "-c", "set nobackup nowritebackup noundofile"]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words + [file.path]
        var childEnv = env
        childEnv["TMPDIR"] = dir.path  // an editor's own temporary files stay in memory too
        process.environment = childEnv
        do { try process.run() } catch {
            throw CasebookError(.invalidInput, "cannot start the editor '\(editor)'; set VISUAL or EDITOR, or give --from-file")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CasebookError(.invalidInput, "the editor exited with status \(process.terminationStatus); nothing was saved")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CasebookError(.invalidInput, "the note file was removed; nothing was saved")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func memoryDirectory(_ env: [String: String]) throws -> URL {
        var candidates: [String] = []
        if let runtime = env["XDG_RUNTIME_DIR"], !runtime.isEmpty { candidates.append(runtime) }
        candidates.append("/dev/shm")
        // tmpfs / ramfs only: a note must never reach a disk-backed file.
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let table: [(point: String, type: String)] = mounts.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { return nil }
            return (String(fields[1]).replacingOccurrences(of: "\\040", with: " "), String(fields[2]))
        }
        for path in candidates where access(path, W_OK) == 0 {
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let mount = table.filter { resolved == $0.point || resolved.hasPrefix($0.point == "/" ? "/" : $0.point + "/") }
                .max { $0.point.count < $1.point.count }
            if let mount, ["tmpfs", "ramfs"].contains(mount.type) { return URL(fileURLWithPath: resolved) }
        }
        throw CasebookError(.invalidInput,
            "no memory-backed directory for the note ($XDG_RUNTIME_DIR or /dev/shm); give the text with --topics/--progress/--follow-up or --from-file")
    }
}
