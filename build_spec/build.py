"""Build pos-app's installers for the platform this runs on.

    python build_spec/build.py [--no-installer] [--skip-pyinstaller] [--self-test]

Uses the interpreter that runs it (the virtual environment with the app and PyInstaller
installed: ``pip install -e .[build]``). Steps:

1. PyInstaller builds ``build_spec/pos-app.spec`` into ``dist/pos-app/`` (one folder;
   on macOS also ``dist/pos-app.app``).
2. Per platform, into ``dist/``:

   Linux    ``pos-app-<version>-linux-x86_64.tar.gz`` (the folder) and
            ``pos-app_<version>_amd64.deb`` (``dpkg-deb``: /opt/pos-app, /usr/bin/pos-app,
            a desktop entry and icons under /usr/share).
   Windows  ``pos-app-<version>-windows-x64.zip`` and, when Inno Setup's ``iscc`` is found,
            ``pos-app-<version>-windows-x64-setup.exe`` from ``build_spec/windows/pos-app.iss``.
   macOS    ``pos-app-<version>-macos-<arch>.dmg`` (``hdiutil``). Signed when
            MACOS_CODESIGN_IDENTITY is set (a "Developer ID Application: ..." identity in the
            keychain) and then notarized and stapled when MACOS_NOTARY_APPLE_ID,
            MACOS_NOTARY_TEAM_ID and MACOS_NOTARY_PASSWORD (an app-specific password) are
            all set. Without them the .dmg is unsigned (Gatekeeper asks; see docs/INSTALL.md).

``--self-test`` runs the frozen ``pos-app --self-test`` (offscreen without a display) after
building. Exit code 0 only if every step succeeded.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_spec" / "pos-app.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = "pos-app"
BUNDLE = DIST / APP

sys.path.insert(0, str(ROOT))
from pos_app import __version__ as VERSION

DESCRIPTION = "Point of sale for a small shop: tills on SQLite or a shared PostgreSQL server"
MAINTAINER = os.environ.get("POS_MAINTAINER", "pos-app maintainers <pos-app@example.org>")


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


# -- 1. the one-folder bundle -------------------------------------------------------------
def pyinstaller() -> None:
    started = time.monotonic()
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            DIST,
            "--workpath",
            WORK,
            SPEC,
        ],
        cwd=ROOT,
    )
    log(f"PyInstaller finished in {time.monotonic() - started:.0f} s: {BUNDLE}")


def frozen_executable() -> Path:
    if sys.platform == "win32":
        return BUNDLE / f"{APP}-cli.exe"  # the console twin: the GUI exe has no stdout
    if sys.platform == "darwin":
        return DIST / f"{APP}.app" / "Contents" / "MacOS" / APP  # what the .dmg ships
    return BUNDLE / APP


def self_test(executable: Path) -> None:
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    run([executable, "--self-test"], env=env)
    log(f"frozen self-test passed in {time.monotonic() - started:.1f} s")


def folder_size(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if not f.is_symlink() and f.is_file())


# -- 2a. Linux ----------------------------------------------------------------------------
def linux_tarball() -> Path:
    target = DIST / f"{APP}-{VERSION}-linux-x86_64.tar.gz"
    log(f"writing {target.name}")
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, arcname=f"{APP}-{VERSION}")
    return target


def desktop_entry(exec_path: str) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=pos-app\n"
        "GenericName=Point of Sale\n"
        f"Comment={DESCRIPTION}\n"
        f"Exec={exec_path}\n"
        f"Icon={APP}\n"
        "Terminal=false\n"
        "Categories=Office;Finance;\n"
        "Keywords=till;POS;shop;sale;receipt;\n"
        "StartupWMClass=pos-app\n"
    )


def glibc_version() -> str:
    name, version = platform.libc_ver()
    return version if name == "glibc" and version else "2.31"


def linux_deb() -> Path:
    if not shutil.which("dpkg-deb"):
        log("dpkg-deb not found: no .deb (apt-get install dpkg-dev, or build on Debian/Ubuntu)")
        return Path()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    stage = ROOT / "build" / "deb" / f"{APP}_{VERSION}_{arch}"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / APP
    shutil.copytree(BUNDLE, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / APP).symlink_to(f"/opt/{APP}/{APP}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{APP}.desktop").write_text(desktop_entry(f"/usr/bin/{APP}"), "utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    for size_dir, source in (("256x256", "icon.png"), ("scalable", "icon.svg")):
        folder = icons / size_dir / "apps"
        folder.mkdir(parents=True)
        shutil.copyfile(ROOT / "resources" / source, folder / f"{APP}{Path(source).suffix}")
    docs = stage / "usr" / "share" / "doc" / APP
    docs.mkdir(parents=True)
    if (ROOT / "docs" / "INSTALL.md").exists():
        shutil.copyfile(ROOT / "docs" / "INSTALL.md", docs / "INSTALL.md")

    installed_kib = (folder_size(stage) + 1023) // 1024
    control = stage / "DEBIAN"
    control.mkdir()
    # The bundle carries Python, Qt and most libraries; what it takes from the system:
    # glibc (at least the build host's), OpenGL/EGL (drivers), and for printing libcups.
    depends = [
        f"libc6 (>= {glibc_version()})",
        "libgl1",
        "libegl1",
        "libfontconfig1",
        "libxkbcommon0",
        "libdbus-1-3",
    ]
    (control / "control").write_text(
        f"Package: {APP}\n"
        f"Version: {VERSION}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Recommends: libcups2, libxcb-cursor0, fonts-dejavu-core\n"
        f"Description: {DESCRIPTION}\n"
        " pos-app is a desktop point of sale: sales are all-or-nothing, stock never goes\n"
        " negative and the books always balance. Installed in /opt/pos-app; run pos-app,\n"
        " or pos-app --self-test to check the installation.\n",
        "utf-8",
    )
    for path in stage.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    target = DIST / f"{APP}_{VERSION}_{arch}.deb"
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, target])
    return target


# -- 2b. Windows --------------------------------------------------------------------------
def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base:
            for version in ("7", "6"):
                candidate = Path(base) / f"Inno Setup {version}" / "ISCC.exe"
                if candidate.exists():
                    return str(candidate)
    return None


def windows_zip() -> Path:
    target = DIST / f"{APP}-{VERSION}-windows-x64.zip"
    log(f"writing {target.name}")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(BUNDLE.rglob("*")):
            archive.write(path, Path(f"{APP}-{VERSION}") / path.relative_to(BUNDLE))
    return target


def windows_installer() -> Path:
    iscc = find_iscc()
    if iscc is None:
        log("Inno Setup (iscc) not found: no setup.exe (choco install innosetup)")
        return Path()
    name = f"{APP}-{VERSION}-windows-x64-setup"
    run(
        [
            iscc,
            "/Q",
            f"/DAppVersion={VERSION}",
            f"/DSourceDir={BUNDLE}",
            f"/DRepoRoot={ROOT}",
            f"/O{DIST}",
            f"/F{name}",
            ROOT / "build_spec" / "windows" / "pos-app.iss",
        ]
    )
    return DIST / f"{name}.exe"


# -- 2c. macOS ----------------------------------------------------------------------------
NOTARY_VARS = ("MACOS_NOTARY_APPLE_ID", "MACOS_NOTARY_TEAM_ID", "MACOS_NOTARY_PASSWORD")


def macos_dmg() -> Path:
    app = DIST / f"{APP}.app"
    identity = os.environ.get("MACOS_CODESIGN_IDENTITY")
    if identity:
        # Hardened runtime and a secure timestamp are what notarization requires.
        run(
            [
                "codesign",
                "--force",
                "--deep",
                "--timestamp",
                "--options",
                "runtime",
                "--entitlements",
                ROOT / "build_spec" / "macos" / "entitlements.plist",
                "--sign",
                identity,
                app,
            ]
        )
        run(["codesign", "--verify", "--deep", "--strict", "--verbose=2", app])
    else:
        log("MACOS_CODESIGN_IDENTITY not set: the .app stays unsigned (ad-hoc)")

    stage = ROOT / "build" / "dmg"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(app, stage / app.name, symlinks=True)
    (stage / "Applications").symlink_to("/Applications")
    target = DIST / f"{APP}-{VERSION}-macos-{platform.machine()}.dmg"
    if target.exists():
        target.unlink()
    run(
        [
            "hdiutil",
            "create",
            "-volname",
            f"pos-app {VERSION}",
            "-srcfolder",
            stage,
            "-ov",
            "-format",
            "UDZO",
            target,
        ]
    )
    if identity:
        run(["codesign", "--force", "--timestamp", "--sign", identity, target])
        if all(os.environ.get(v) for v in NOTARY_VARS):
            run(
                [
                    "xcrun",
                    "notarytool",
                    "submit",
                    target,
                    "--apple-id",
                    os.environ["MACOS_NOTARY_APPLE_ID"],
                    "--team-id",
                    os.environ["MACOS_NOTARY_TEAM_ID"],
                    "--password",
                    os.environ["MACOS_NOTARY_PASSWORD"],
                    "--wait",
                ]
            )
            run(["xcrun", "stapler", "staple", target])
        else:
            log(f"{', '.join(NOTARY_VARS)} not all set: signed but not notarized")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build pos-app's bundle and installers.")
    parser.add_argument("--no-installer", action="store_true", help="only the one-folder bundle")
    parser.add_argument(
        "--skip-pyinstaller", action="store_true", help="reuse dist/pos-app (packaging only)"
    )
    parser.add_argument(
        "--self-test", action="store_true", help="run the frozen --self-test after building"
    )
    args = parser.parse_args(argv)

    log(
        f"pos-app {VERSION} on {sys.platform} ({platform.machine()}), Python {sys.version.split()[0]}"
    )
    if not args.skip_pyinstaller:
        pyinstaller()
    if not BUNDLE.is_dir():
        log(f"{BUNDLE} does not exist")
        return 1
    log(f"bundle size: {folder_size(BUNDLE) / 1e6:.0f} MB ({BUNDLE})")
    if args.self_test:
        self_test(frozen_executable())
    if args.no_installer:
        return 0

    if sys.platform.startswith("linux"):
        outputs = [linux_tarball(), linux_deb()]
    elif sys.platform == "win32":
        outputs = [windows_zip(), windows_installer()]
    elif sys.platform == "darwin":
        outputs = [macos_dmg()]
    else:
        log(f"no installer recipe for {sys.platform}")
        return 1
    for output in outputs:
        if output != Path() and output.exists():
            log(f"built {output.relative_to(ROOT)} ({output.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as exc:
        log(f"failed (exit {exc.returncode}): {' '.join(str(c) for c in exc.cmd)}")
        sys.exit(1)
