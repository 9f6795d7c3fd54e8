"""``wasm validate``: read a module's binary sections and check what the node's Wasm engine needs.

The node runs modules with WASI (``wasi_snapshot_preview1``) as the only host
module, calling an exported entry point that takes and returns nothing. So
every imported function must be a WASI function, and the entry point must be
an exported function of type ``() -> ()``.
"""

from typing import Dict, List, Tuple

from bacalhau_client.cli.flags import UsageError

WASI_MODULE = "wasi_snapshot_preview1"
WASI_FUNCTIONS = frozenset("""
args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get fd_advise fd_allocate
fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights fd_filestat_get
fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read
fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write path_create_directory path_filestat_get
path_filestat_set_times path_link path_open path_readlink path_remove_directory path_rename path_symlink
path_unlink_file poll_oneoff proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send
sock_shutdown
""".split())

MAX_MODULE_BYTES = 64 * 1024 * 1024
_TYPE, _IMPORT, _FUNCTION, _EXPORT = 1, 2, 3, 7
_FUNCTION_KIND = 0


class _Reader:
    """Reads the binary format's integers, names and vectors, failing with the byte offset."""

    def __init__(self, data: bytes, source: str):
        self.data, self.offset, self.source = data, 0, source

    def fail(self, what: str) -> UsageError:
        return UsageError("%s: not a valid WebAssembly module: %s at byte %d" % (self.source, what, self.offset))

    def byte(self) -> int:
        if self.offset >= len(self.data):
            raise self.fail("unexpected end")
        value = self.data[self.offset]
        self.offset += 1
        return value

    def u32(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 35:
                raise self.fail("integer too long")

    def bytes(self, count: int) -> bytes:
        if self.offset + count > len(self.data):
            raise self.fail("unexpected end")
        value = self.data[self.offset:self.offset + count]
        self.offset += count
        return value

    def name(self) -> str:
        try:
            return self.bytes(self.u32()).decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("name is not UTF-8") from None

    def limits(self) -> None:
        flags = self.byte()
        self.u32()
        if flags & 1:
            self.u32()


def check_module(path: str, entry_point: str) -> None:
    """Raise ``UsageError`` naming what the node's Wasm engine would refuse in the module at ``path``."""
    try:
        with open(path, "rb") as module:
            data = module.read(MAX_MODULE_BYTES + 1)
    except OSError as error:
        raise UsageError("%s: cannot read the module (%s)" % (path, error.strerror or error)) from None
    if len(data) > MAX_MODULE_BYTES:
        raise UsageError("%s: larger than %d bytes" % (path, MAX_MODULE_BYTES))
    types, imports, functions, exports = _sections(data, path)
    for namespace, name in imports:
        if namespace != WASI_MODULE or name not in WASI_FUNCTIONS:
            raise UsageError("%s: no export found for '%s::%s' required by module" % (path, namespace, name))
    index = exports.get(entry_point)
    if index is None or index >= len(functions) or functions[index] >= len(types):
        raise UsageError("%s: function '%s' required but no WASM export with that name was found"
                         % (path, entry_point))
    params, results = types[functions[index]]
    if params:
        raise UsageError("%s: function '%s' should take 0 parameters" % (path, entry_point))
    if results:
        raise UsageError("%s: function '%s' should return 0 results" % (path, entry_point))


def _sections(data: bytes, source: str) -> Tuple[List[Tuple[int, int]], List[Tuple[str, str]], List[int],
                                                 Dict[str, int]]:
    """``(types, function imports, function type index space, exported functions)`` of a module."""
    reader = _Reader(data, source)
    if data[:4] != b"\0asm":
        raise UsageError("%s: not a WebAssembly module (no \\0asm header)" % source)
    reader.offset = 4
    if reader.bytes(4) != b"\x01\0\0\0":
        raise reader.fail("unsupported version")
    types: List[Tuple[int, int]] = []
    imports: List[Tuple[str, str]] = []
    functions: List[int] = []  # type index of every function: imported ones first
    exports: Dict[str, int] = {}
    while reader.offset < len(data):
        section, size = reader.byte(), reader.u32()
        end = reader.offset + size
        if end > len(data):
            raise reader.fail("section runs past the end")
        if section == _TYPE:
            for _ in range(reader.u32()):
                if reader.byte() != 0x60:
                    raise reader.fail("bad function type")
                params = len(reader.bytes(reader.u32()))
                results = len(reader.bytes(reader.u32()))
                types.append((params, results))
        elif section == _IMPORT:
            for _ in range(reader.u32()):
                namespace, name, kind = reader.name(), reader.name(), reader.byte()
                if kind == _FUNCTION_KIND:
                    imports.append((namespace, name))
                    functions.append(reader.u32())
                elif kind == 1:
                    reader.byte()
                    reader.limits()
                elif kind == 2:
                    reader.limits()
                elif kind == 3:
                    reader.bytes(2)
                else:
                    raise reader.fail("bad import kind %d" % kind)
        elif section == _FUNCTION:
            functions.extend(reader.u32() for _ in range(reader.u32()))
        elif section == _EXPORT:
            for _ in range(reader.u32()):
                name, kind, index = reader.name(), reader.byte(), reader.u32()
                if kind == _FUNCTION_KIND:
                    exports[name] = index
        reader.offset = end
    return types, imports, functions, exports
