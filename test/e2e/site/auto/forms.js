// A single-page app's submit: the page handles it and stays.
document.getElementById('signup').addEventListener('submit', (event) => event.preventDefault());
