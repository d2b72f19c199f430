"""Drives `casebook ui` in a real headless Chromium (Selenium + chromium-driver), for Scripts/e2e-ui.

Run with Debian's /usr/bin/python3 (python3-selenium). Usage:
  ui-browser.py practitioner URL PROFILE_DIR SHOTS_DIR   (prints the client id)
  ui-browser.py dsl URL PROFILE_DIR SHOTS_DIR DOWNLOADS_DIR PASSWORD
Each step asserts what the page shows; any failure exits non-zero with one line on stderr.
"""
import os, sys, time
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CLIENT = "Casey Quillon"
SIBLING = "Sam Quillon"
PHONE = "07700 900789"
NOTE = f"Talked about {SIBLING} and the otterbrook club; call him on {PHONE} if worried"


def fail(message):
    print(f"ui-browser: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def browser(profile, downloads=None):
    options = Options()
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                "--window-size=1200,1000", "--no-first-run", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def downloaded(downloads, prefix, seconds=30):
    """Waits for a finished download whose name starts with prefix; returns its path."""
    end = time.time() + seconds
    while time.time() < end:
        done = [f for f in os.listdir(downloads) if f.startswith(prefix) and f.endswith(".zip")]
        if done:
            return os.path.join(downloads, done[0])
        time.sleep(0.2)
    fail(f"no download {prefix}*.zip in {downloads}: {os.listdir(downloads)}")


def wait(driver, condition, what, seconds=15, detail=lambda d: ""):
    def safe(d):
        try:
            return condition(d)
        except Exception:  # a stale element while the page changes: look again
            return None
    try:
        return WebDriverWait(driver, seconds).until(safe)
    except Exception:
        fail(f"timed out waiting for {what} (page: {driver.current_url}) {detail(driver)}")


def h1(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def shot(driver, shots, name):
    driver.save_screenshot(f"{shots}/{name}.png")


def practitioner(driver, url, shots):
    driver.get(url)
    wait(driver, lambda d: h1(d) == "My clients", "the home page after the launch link")
    # Replay: the same launch link in this browser is refused (the token is dead).
    driver.get(url)
    wait(driver, lambda d: "already used" in d.page_source or "not valid" in d.page_source, "the replayed link refused")
    driver.get(url.split("/launch")[0] + "/")
    wait(driver, lambda d: h1(d) == "My clients", "the home page with the session cookie")
    driver.find_element(By.LINK_TEXT, "Add a client").click()
    wait(driver, lambda d: h1(d) == "Add a client", "the add-client form")
    driver.find_element(By.ID, "name").send_keys(CLIENT)
    driver.find_element(By.ID, "born").send_keys("2011-05-01")
    driver.find_element(By.ID, "related").send_keys(f"{SIBLING}:brother")
    driver.find_element(By.ID, "add-client").click()
    wait(driver, lambda d: h1(d) == CLIENT, "the client's timeline")
    client_id = driver.current_url.rstrip("/").split("/")[-1]
    driver.find_element(By.ID, "record-consent").click()
    wait(driver, lambda d: "· Consent" in d.find_element(By.TAG_NAME, "main").text, "the consent in the timeline")
    driver.find_element(By.ID, "new-session").click()
    wait(driver, lambda d: h1(d) == "Log a session", "the session form")
    for field in ("topics", "progress", "follow_up"):
        if driver.find_element(By.ID, field).get_attribute("autocomplete") != "off":
            fail(f"the {field} field does not have autocomplete off")
    driver.find_element(By.ID, "topics").send_keys(NOTE)
    driver.find_element(By.ID, "progress").send_keys("More settled at school")
    driver.find_element(By.ID, "follow_up").send_keys("Check in next week")

    def marks(d):
        try:  # the preview is rebuilt as the note changes: an element may go stale while read
            return {(m.text, m.get_attribute("data-placeholder")) for m in d.find_elements(By.CSS_SELECTOR, "#preview mark")}
        except Exception:
            return set()
    found = wait(driver, lambda d: (lambda m: m if any(p == "[PHONE]" for _, p in m) and any(SIBLING.split()[0] in t for t, _ in m) else None)(marks(d)),
                 "the live preview to mark the sibling and the phone number")
    if not any(p == "[BROTHER]" for t, p in found if SIBLING.split()[0] in t):
        fail(f"the sibling is not shown with the [BROTHER] placeholder: {sorted(found)}")
    # Mark a missed word as identifying: it joins the client's known identifiers and the preview masks it.
    driver.find_element(By.ID, "identify-word").send_keys("otterbrook")
    driver.find_element(By.ID, "identify-button").click()
    wait(driver, lambda d: any(t == "otterbrook" for t, _ in marks(d)), "the taught word to be marked",
         detail=lambda d: f"status={d.find_element(By.ID, 'identify-status').text!r} marks={sorted(marks(d))}")
    shot(driver, shots, "session-preview")
    driver.find_element(By.ID, "practitioner_private").click()
    driver.find_element(By.ID, "client_private").click()
    driver.find_element(By.ID, "save-session").click()
    wait(driver, lambda d: h1(d) == CLIENT and d.find_elements(By.CSS_SELECTOR, ".session .topics"), "the saved session in the timeline")
    topics = driver.find_element(By.CSS_SELECTOR, ".session .topics").text
    if "[BROTHER]" not in topics or "[PHONE]" not in topics or PHONE in topics or SIBLING in topics or "otterbrook" in topics:
        fail(f"the timeline does not show the note masked: {topics!r}")
    shot(driver, shots, "timeline")
    # Raise a concern from anywhere: the header's button, then Raise.
    driver.find_element(By.LINK_TEXT, "Raise a safeguarding concern").click()
    wait(driver, lambda d: h1(d) == "Raise a safeguarding concern", "the concern form")
    driver.find_element(By.ID, "details").send_keys("Said they do not feel safe going home tonight")
    shot(driver, shots, "concern-form")
    driver.find_element(By.ID, "raise-concern").click()
    wait(driver, lambda d: d.find_elements(By.ID, "concern-raised"), "the concern to be raised")
    driver.find_element(By.LINK_TEXT, "Back to the client").click()
    wait(driver, lambda d: h1(d) == CLIENT, "the client's timeline after the concern")
    # Record a release on a legal basis: it waits for the DSL (the inbox), nothing is released yet.
    driver.find_element(By.CSS_SELECTOR, "#release summary").click()
    driver.find_element(By.ID, "recipient").send_keys("Family Court")
    driver.find_element(By.ID, "purpose").send_keys("care proceedings")
    driver.find_element(By.CSS_SELECTOR, "#basis option[value='court-order']").click()
    driver.find_element(By.ID, "reference").send_keys("ZW26C00123")
    driver.find_element(By.XPATH, "//input[@name='records']/parent::label[contains(., 'concern')]/input").click()
    driver.find_element(By.ID, "record-release").click()
    wait(driver, lambda d: h1(d) == "Release" and d.find_element(By.ID, "release-status").text == "pending-approval",
         "the release recorded, awaiting approval", detail=lambda d: d.find_element(By.TAG_NAME, "main").text[:300])
    shot(driver, shots, "release-recorded")
    driver.find_element(By.LINK_TEXT, "Back to the client").click()
    wait(driver, lambda d: h1(d) == CLIENT, "the client's timeline again")
    # Home page, then Sync now from the organisation page.
    driver.find_element(By.LINK_TEXT, "My clients").click()
    wait(driver, lambda d: h1(d) == "My clients", "the home page")
    shot(driver, shots, "clients")
    driver.find_element(By.LINK_TEXT, "Organisation").click()
    wait(driver, lambda d: h1(d) == "Organisation", "the organisation page")
    driver.find_element(By.XPATH, "//button[text()='Sync now']").click()
    wait(driver, lambda d: d.find_elements(By.ID, "sync-result"), "the sync result", seconds=60)
    if "Sent" not in driver.find_element(By.ID, "sync-result").text:
        fail("sync did not report what it sent")
    shot(driver, shots, "organisation")
    print(client_id)


def dsl(driver, url, shots, downloads, password):
    driver.get(url)
    wait(driver, lambda d: h1(d) == "My clients", "the DSL's home page")
    driver.find_element(By.LINK_TEXT, "Organisation").click()
    wait(driver, lambda d: h1(d) == "Organisation", "the organisation page")
    driver.find_element(By.XPATH, "//button[text()='Sync now']").click()
    wait(driver, lambda d: d.find_elements(By.ID, "sync-result"), "the DSL's sync", seconds=60)
    if "received" not in driver.find_element(By.ID, "sync-result").text:
        fail("the DSL's sync did not report what it received")
    driver.find_element(By.LINK_TEXT, "Inbox").click()
    wait(driver, lambda d: h1(d) == "Inbox", "the inbox")
    items = driver.find_elements(By.CSS_SELECTOR, ".inbox-item[data-kind='unacknowledged-concern']")
    if len(items) != 1:
        fail(f"the DSL's inbox shows {len(items)} unacknowledged concern(s), want 1: {driver.find_element(By.TAG_NAME, 'main').text[:300]!r}")
    if CLIENT not in items[0].text:
        fail("the inbox item does not name the client")
    if not driver.find_elements(By.CSS_SELECTOR, "svg#concerns-chart rect"):
        fail("no chart in the inbox")
    shot(driver, shots, "inbox")
    items[0].find_element(By.XPATH, ".//button[text()='Acknowledge']").click()
    wait(driver, lambda d: h1(d) == "Inbox" and not d.find_elements(By.CSS_SELECTOR, ".inbox-item[data-kind='unacknowledged-concern']"),
         "the concern to leave the inbox once acknowledged")
    shot(driver, shots, "inbox-acknowledged")
    # The release awaiting approval: review, approve, download its extract (encrypted).
    releases = driver.find_elements(By.CSS_SELECTOR, ".inbox-item[data-kind='release-awaiting-approval']")
    if len(releases) != 1:
        fail(f"the DSL's inbox shows {len(releases)} release(s) awaiting approval, want 1")
    releases[0].find_element(By.LINK_TEXT, "Review the release").click()
    wait(driver, lambda d: h1(d) == "Release", "the release page")
    driver.find_element(By.XPATH, "//button[text()='Approve release']").click()
    wait(driver, lambda d: d.find_element(By.ID, "release-status").text == "released", "the release approved")
    driver.find_element(By.ID, "extract-password").send_keys(password)
    shot(driver, shots, "release-approved")
    driver.find_element(By.ID, "download-extract").click()
    downloaded(downloads, "release-")
    # Subject access: open a request on the client's page, see its deadline, export the bundle.
    driver.find_element(By.LINK_TEXT, "Disclosure log").click()
    wait(driver, lambda d: h1(d) == "Disclosure log" and "Family Court" in d.find_element(By.TAG_NAME, "main").text, "the disclosure log")
    driver.find_element(By.LINK_TEXT, "My clients").click()
    wait(driver, lambda d: h1(d) == "My clients", "the DSL's client list")
    driver.find_element(By.LINK_TEXT, CLIENT).click()
    wait(driver, lambda d: h1(d) == CLIENT, "the client's page")
    driver.find_element(By.XPATH, "//summary[text()='Open a subject-access request']").click()
    driver.find_element(By.ID, "open-request").click()
    wait(driver, lambda d: h1(d) == CLIENT and d.find_elements(By.CSS_SELECTOR, ".access-request[data-status='open'] .due"),
         "the open request with its deadline", detail=lambda d: d.find_element(By.TAG_NAME, "main").text[-400:])
    card = driver.find_element(By.CSS_SELECTOR, ".access-request[data-status='open']")
    if "days left" not in card.text and "day(s) left" not in card.text:
        fail(f"the request does not show the days left: {card.text!r}")
    card.find_element(By.CSS_SELECTOR, "input[name='password']").send_keys(password)
    driver.execute_script("arguments[0].scrollIntoView()", card)
    shot(driver, shots, "subject-access")
    card.find_element(By.CSS_SELECTOR, "button.export-bundle").click()
    downloaded(downloads, "subject-access-")
    driver.get(driver.current_url.split("#")[0])  # the same URL with its fragment would not reload
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".access-request[data-status='answered']"), "the request answered")
    # Grant the client's records to a colleague (the administrator), through the server.
    driver.find_element(By.XPATH, "//select[@id='grant-person']/option[text()='Ada Admin']").click()
    driver.find_element(By.ID, "grant").click()
    wait(driver, lambda d: d.find_elements(By.ID, "grant-result"), "the grant's result", seconds=60,
         detail=lambda d: d.find_element(By.TAG_NAME, "main").text[:300])
    if "Granted" not in driver.find_element(By.ID, "grant-result").text:
        fail(f"the grant did not report success: {driver.find_element(By.ID, 'grant-result').text!r}")


if __name__ == "__main__":
    role, url, profile, shots = sys.argv[1:5]
    driver = browser(profile, sys.argv[5] if role == "dsl" else None)
    try:
        if role == "practitioner":
            practitioner(driver, url, shots)
        else:
            dsl(driver, url, shots, sys.argv[5], sys.argv[6])
    finally:
        driver.quit()
