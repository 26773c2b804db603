; Inno Setup script for pos-app (Inno Setup 6 or later).
; Compiled by build_spec/build.py, which passes:
;   /DAppVersion=<pos_app.__version__>  /DSourceDir=<dist\pos-app>  /DRepoRoot=<checkout>
;   /O<dist>  /F<pos-app-VERSION-windows-x64-setup>
; By hand, from the checkout:  iscc /DAppVersion=0.1.0 build_spec\windows\pos-app.iss

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef RepoRoot
  #define RepoRoot AddBackslash(SourcePath) + "..\.."
#endif
#ifndef SourceDir
  #define SourceDir RepoRoot + "\dist\pos-app"
#endif

[Setup]
; A fixed AppId keeps upgrades in place and the uninstaller entry unique: never change it.
AppId={{6E1D8A4C-3F0B-4C5E-9B1A-7D2E5F80C3A1}
AppName=pos-app
AppVersion={#AppVersion}
AppVerName=pos-app {#AppVersion}
AppPublisher=pos-app
DefaultDirName={autopf}\pos-app
DefaultGroupName=pos-app
DisableProgramGroupPage=yes
; Per-machine by default (every cashier account gets the shortcut); a user without admin
; rights may choose a per-user install instead.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#RepoRoot}\dist
OutputBaseFilename=pos-app-{#AppVersion}-windows-x64-setup
SetupIconFile={#RepoRoot}\resources\icon.ico
UninstallDisplayIcon={app}\pos-app.exe
UninstallDisplayName=pos-app {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running till before replacing its files.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole PyInstaller one-folder bundle: pos-app.exe (the till), pos-app-cli.exe (the
; same program with a console, for "db upgrade", "check" and "--self-test") and _internal\.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade must not leave modules of the previous version behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\pos-app"; Filename: "{app}\pos-app.exe"; WorkingDir: "{app}"
Name: "{group}\pos-app self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\pos-app-cli.exe"" --self-test"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,pos-app}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\pos-app"; Filename: "{app}\pos-app.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\pos-app.exe"; Description: "{cm:LaunchProgram,pos-app}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes the program folder only. The database and logs stay in
; %LOCALAPPDATA%\pos_app\pos-app (see docs\INSTALL.md): a till's sales are never deleted
; by uninstalling.
